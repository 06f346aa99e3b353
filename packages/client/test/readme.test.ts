// Runs every ```ts block of README.md as written, as its own module, against an emulator that the documented
// environment variable points at. The blocks never see the default endpoint: the variable is checked first.
import { readFileSync, rmSync, writeFileSync } from "node:fs"
import { fileURLToPath, pathToFileURL } from "node:url"
import { assert, describe, it } from "@effect/vitest"
import { afterAll, beforeAll } from "vitest"
import { useEmulator } from "./support/emulator.ts"

const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8")
const blocks = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((match) => match[1]!)

describe("README examples", () => {
  const server = useEmulator()
  const saved = process.env.ALIBABA_CLOUD_IMDS_ENDPOINT
  beforeAll(() => {
    process.env.ALIBABA_CLOUD_IMDS_ENDPOINT = server().dataUrl
  })
  afterAll(() => {
    if (saved === undefined) delete process.env.ALIBABA_CLOUD_IMDS_ENDPOINT
    else process.env.ALIBABA_CLOUD_IMDS_ENDPOINT = saved
  })

  it("has the three documented examples", () => {
    assert.strictEqual(blocks.length, 3)
  })

  it.each(blocks.map((code, index) => [index, code] as const))(
    "block %i runs against the emulator",
    async (index, code) => {
      assert.match(process.env.ALIBABA_CLOUD_IMDS_ENDPOINT ?? "", /^http:\/\/127\.0\.0\.1:\d+$/)
      const file = fileURLToPath(new URL(`./.readme-block-${index}.tmp.ts`, import.meta.url))
      writeFileSync(file, code)
      try {
        await import(pathToFileURL(file).href)
      } finally {
        rmSync(file, { force: true })
      }
    }
  )
})
