// The core must run anywhere (Node, Bun, the client in a browser-like runtime) and read time only through Clock.
import { readdirSync, readFileSync } from "node:fs"
import { join } from "node:path"
import { assert, describe, it } from "@effect/vitest"

const srcDir = join(import.meta.dirname, "..", "src")
const sources = readdirSync(srcDir, { recursive: true, encoding: "utf8" })
  .filter((f) => f.endsWith(".ts"))
  .map((f) => ({ file: f, text: readFileSync(join(srcDir, f), "utf8") }))

describe("core purity", () => {
  it("has source files to check, in every concept folder", () => {
    assert.isAbove(sources.length, 40)
    for (const folder of [
      "access",
      "clock",
      "counters",
      "credentials",
      "fleet",
      "identity",
      "journal",
      "metadata",
      "token"
    ]) {
      assert.isTrue(
        sources.some((s) => s.file.startsWith(`${folder}/`)),
        folder
      )
    }
  })

  it("imports no platform module (node:, bun, fs, http, process)", () => {
    const offenders = sources.filter(({ text }) =>
      /from\s+["'](node:|bun|fs|http|https|net|os|path|child_process|process)["']/.test(text)
    )
    assert.deepStrictEqual(
      offenders.map((s) => s.file),
      []
    )
  })

  it("never reads the wall clock directly (Date.now, new Date() without an argument, performance.now)", () => {
    const offenders = sources.filter(({ text }) => /Date\.now\(|new Date\(\)|performance\.now\(/.test(text))
    assert.deepStrictEqual(
      offenders.map((s) => s.file),
      []
    )
  })

  it("does not touch process globals", () => {
    const offenders = sources.filter(({ text }) => /\bprocess\.(env|argv|exit|stdout|stderr|cwd)/.test(text))
    assert.deepStrictEqual(
      offenders.map((s) => s.file),
      []
    )
  })
})
