// The README's tour, run as written: each line goes through `sh` with `aliyun-imds` on PATH. Only the environment
// differs from a reader's shell: `serve` takes free ports (ALIYUN_IMDS_PORT=0) and the other commands find it
// through ALIBABA_CLOUD_IMDS_ENDPOINT / ALIYUN_IMDS_ADMIN_URL. A trailing `# exit N` is the expected exit code.
import { readFileSync } from "node:fs"
import { join } from "node:path"
import { assert, describe, it } from "vitest"
import { type CliResult, cliDir } from "./support/cli.ts"
import { shellWithCli } from "./support/shell.ts"

const readme = readFileSync(join(cliDir, "README.md"), "utf8")
const tour = /<!-- tour:[^>]*-->\s*```sh\n([\s\S]*?)```/.exec(readme)?.[1] ?? ""
const lines = tour.split("\n").filter((line) => line.trim() !== "" && !line.trimStart().startsWith("#"))

const shell = shellWithCli("aliyun-imds-tour-")

describe("README tour", () => {
  it("has a serve line and the hardened-mode steps", () => {
    assert.strictEqual(lines[0], "aliyun-imds serve")
    assert.isTrue(lines.some((l) => l.startsWith("aliyun-imds options set --http-tokens required")))
    assert.isTrue(lines.some((l) => /# exit 3$/.test(l)))
  })

  it("every command works as written", async () => {
    const { server, vars } = await shell.serve(lines[0]!)
    try {
      const results: Array<CliResult> = []
      for (const line of lines.slice(1)) {
        const expected = Number(/# exit (\d+)$/.exec(line)?.[1] ?? 0)
        const r = await shell.run(line, vars)
        assert.strictEqual(r.code, expected, `${line}\n${r.stderr}`)
        results.push(r)
      }
      const [first, , before, , refused, , after, journal] = results
      assert.strictEqual(first!.stdout, server.instanceId)
      assert.include(before!.stdout, "those clients get 403 under HttpTokens=required")
      assert.include(refused!.stderr, "HttpTokens=required")
      assert.include(after!.stdout, "were refused")
      assert.include(journal!.stdout, "TokenRequired")
    } finally {
      assert.strictEqual(await server.stop("SIGTERM"), 0)
    }
  }, 60_000)
})

describe("the repository README", () => {
  it("shows the same tour, so running this one runs that one as written", () => {
    const root = readFileSync(join(cliDir, "..", "..", "README.md"), "utf8")
    const rootTour = /<!-- tour:[^>]*-->\s*```sh\n([\s\S]*?)```/.exec(root)?.[1]
    assert.strictEqual(rootTour, tour)
  })
})
