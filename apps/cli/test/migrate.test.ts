// The README's "Migrate to hardened mode" guide, run as written: each line through `sh` with `aliyun-imds` on PATH,
// in a scratch directory. The `sandbox` line is terminal 1: it runs in the background until the guide's terminal-2
// lines are done, then gets Ctrl-C (SIGINT). A trailing `# exit N` is the expected exit code. Linux as root (CI).
import { readFileSync } from "node:fs"
import { join } from "node:path"
import { assert, describe, it } from "vitest"
import { type CliResult, cliDir } from "./support/cli.ts"
import { collect, shellWithCli } from "./support/shell.ts"

const readme = readFileSync(join(cliDir, "README.md"), "utf8")
const guide = /<!-- migrate:[^>]*-->\s*```sh\n([\s\S]*?)```/.exec(readme)?.[1] ?? ""
const lines = guide.split("\n").filter((line) => line.trim() !== "" && !line.trimStart().startsWith("#"))
const isRoot = process.platform === "linux" && process.getuid?.() === 0

const shell = shellWithCli("aliyun-imds-migrate-")
const legacyRead = /curl -s http:\/\/100\.100\.100\.200\/latest\/meta-data\/region-id \(pid \d+/

describe("README migration guide", () => {
  it("finds, fixes and gates a token-less program, then audits a running one", () => {
    assert.isTrue(lines.some((l) => /^aliyun-imds check -- .*# exit 5$/.test(l)))
    assert.isTrue(lines.some((l) => l.startsWith("aliyun-imds check --http-tokens required")))
    assert.isTrue(lines.some((l) => l.startsWith("aliyun-imds sandbox ")))
    assert.isTrue(lines.some((l) => l.startsWith("aliyun-imds audit ")))
  })

  it.skipIf(!isRoot)(
    "every command works as written",
    async () => {
      const results: Array<readonly [string, CliResult]> = []
      let terminal1: ReturnType<typeof shell.sh> | null = null
      let terminal1Done: Promise<CliResult> | null = null
      for (const line of lines) {
        if (line.startsWith("aliyun-imds sandbox ")) {
          terminal1 = shell.sh(`exec ${line}`, {})
          terminal1Done = collect(terminal1)
          // Terminal 2 starts once the program in the sandbox has read at least once.
          await new Promise<void>((resolve, reject) => {
            terminal1?.stdout?.once("data", () => resolve())
            void terminal1Done?.then((r) => reject(new Error(`terminal 1 ended early: ${r.code}\n${r.stderr}`)))
          })
          continue
        }
        const expected = Number(/# exit (\d+)$/.exec(line)?.[1] ?? 0)
        const r = await shell.run(line, {})
        assert.strictEqual(r.code, expected, `${line}\n${r.stdout}\n${r.stderr}`)
        results.push([line, r])
      }
      assert.isNotNull(terminal1)
      terminal1?.kill("SIGINT")
      const t1 = await terminal1Done
      assert.strictEqual(t1?.code, 130, "Ctrl-C ends the loop; its exit code (128 + SIGINT) is passed on")
      const out = (prefix: string) => results.find(([line]) => line.startsWith(prefix))?.[1]
      const found = out("aliyun-imds check -- ./legacy.sh")
      assert.match(found?.stderr ?? "", /check failed: 1 request without a token, from /)
      assert.match(found?.stderr ?? "", legacyRead)
      assert.include(out("aliyun-imds check --http-tokens required")?.stderr, "check passed: 2 requests, 1 token PUT")
      assert.match(
        out("aliyun-imds audit")?.stdout ?? "",
        /\n\d+\s+0\s+[\d,…]+\s+curl -s http:\/\/100\.100\.100\.200\/latest\/meta-data\/region-id\s/
      )
      assert.include(out("aliyun-imds options set")?.stdout, "required")
    },
    120_000
  )
})

describe("the repository README", () => {
  it("shows the same guide, so running this one runs that one as written", () => {
    const root = readFileSync(join(cliDir, "..", "..", "README.md"), "utf8")
    assert.strictEqual(/<!-- migrate:[^>]*-->\s*```sh\n([\s\S]*?)```/.exec(root)?.[1], guide)
  })
})
