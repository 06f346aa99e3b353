// The README's restart story, run as written: each line through `sh` with `aliyun-imds` on PATH, in one scratch
// directory. A `serve` line starts the emulator on free ports (the other lines find it through the environment); the
// second one follows a crash of the first — SIGKILL, no chance to save anything more — and must find the change.
import { readFileSync } from "node:fs"
import { join } from "node:path"
import { assert, describe, it } from "vitest"
import { cliDir, type Served } from "./support/cli.ts"
import { readmeLines, shellWithCli, type Vars } from "./support/shell.ts"

const lines = readmeLines(readFileSync(join(cliDir, "README.md"), "utf8"), "restart")

const shell = shellWithCli("aliyun-imds-restart-")

describe("README restart story", () => {
  it("serves twice on one state file, with the hardened-mode change between", () => {
    assert.deepStrictEqual(
      lines.filter((l) => l.startsWith("aliyun-imds serve")),
      ["aliyun-imds serve --state imds-state.json", "aliyun-imds serve --state imds-state.json"]
    )
    assert.isTrue(lines.some((l) => /# exit 3$/.test(l)))
  })

  it("every line works as written, and the change survives a kill -9", async () => {
    let server: Served | null = null
    let vars: Vars = {}
    const outputs: Array<string> = []
    try {
      for (const line of lines) {
        if (line.startsWith("aliyun-imds serve")) {
          if (server !== null) assert.strictEqual(await server.stop("SIGKILL"), null)
          ;({ server, vars } = await shell.serve(line))
          continue
        }
        const expected = Number(/# exit (\d+)$/.exec(line)?.[1] ?? 0)
        const r = await shell.run(line, vars)
        assert.strictEqual(r.code, expected, `${line}\n${r.stderr}`)
        outputs.push(r.stdout)
      }
      assert.include(outputs.at(-1), "required")
      assert.notInclude(outputs.at(-1), "optional")
    } finally {
      if (server !== null) assert.strictEqual(await server.stop("SIGTERM"), 0)
    }
  }, 120_000)
})
