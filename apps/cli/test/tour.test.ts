// The README's tour, run as written: each line goes through `sh` with `aliyun-imds` on PATH. Only the environment
// differs from a reader's shell: `serve` takes free ports (ALIYUN_IMDS_PORT=0) and the other commands find it
// through ALIBABA_CLOUD_IMDS_ENDPOINT / ALIYUN_IMDS_ADMIN_URL. A trailing `# exit N` is the expected exit code.
import { type ChildProcess, spawn } from "node:child_process"
import { mkdtempSync, readFileSync, rmSync, symlinkSync } from "node:fs"
import { tmpdir } from "node:os"
import { delimiter, dirname, join } from "node:path"
import { afterAll, assert, describe, it } from "vitest"
import { banner, binPath, type CliResult, cleanEnv, cliDir } from "./support/cli.ts"

const readme = readFileSync(join(cliDir, "README.md"), "utf8")
const tour = /<!-- tour:[^>]*-->\s*```sh\n([\s\S]*?)```/.exec(readme)?.[1] ?? ""
const lines = tour.split("\n").filter((line) => line.trim() !== "" && !line.trimStart().startsWith("#"))

const binDir = mkdtempSync(join(tmpdir(), "aliyun-imds-tour-"))
symlinkSync(binPath, join(binDir, "aliyun-imds"))
afterAll(() => rmSync(binDir, { recursive: true, force: true }))

const env = (extra: Record<string, string>) =>
  cleanEnv({ ...extra, PATH: [binDir, dirname(process.execPath), process.env.PATH ?? ""].join(delimiter) })

const sh = (line: string, extra: Record<string, string>): ChildProcess =>
  spawn("sh", ["-c", line], { env: env(extra), stdio: ["ignore", "pipe", "pipe"], detached: true })

const run = (line: string, extra: Record<string, string>) =>
  new Promise<CliResult>((resolve) => {
    const child = sh(line, extra)
    let stdout = ""
    let stderr = ""
    child.stdout?.setEncoding("utf8").on("data", (c: string) => (stdout += c))
    child.stderr?.setEncoding("utf8").on("data", (c: string) => (stderr += c))
    child.once("close", (code) => resolve({ code, stdout, stderr }))
  })

describe("README tour", () => {
  it("has a serve line and the hardened-mode steps", () => {
    assert.strictEqual(lines[0], "aliyun-imds serve")
    assert.isTrue(lines.some((l) => l.startsWith("aliyun-imds options set --http-tokens required")))
    assert.isTrue(lines.some((l) => /# exit 3$/.test(l)))
  })

  it("every command works as written", async () => {
    // `serve` itself (no shell in between), so its own exit code is what SIGTERM produces.
    const [command, ...args] = lines[0]!.split(/\s+/)
    const server = spawn(command!, args, {
      env: env({ ALIYUN_IMDS_PORT: "0", ALIYUN_IMDS_ADMIN_PORT: "0" }),
      stdio: ["ignore", "pipe", "pipe"]
    })
    let out = ""
    server.stdout?.setEncoding("utf8").on("data", (c: string) => (out += c))
    const exited = new Promise<number | null>((done) => server.once("exit", (code) => done(code)))
    try {
      const m = await new Promise<RegExpExecArray>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no banner: ${out}`)), 15_000)
        const poll = setInterval(() => {
          const found = banner.exec(out)
          if (found === null) return
          clearInterval(poll)
          clearTimeout(timer)
          resolve(found)
        }, 20)
      })
      const urls = { ALIBABA_CLOUD_IMDS_ENDPOINT: m[3]!, ALIYUN_IMDS_ADMIN_URL: m[4]! }
      const results: Array<CliResult> = []
      for (const line of lines.slice(1)) {
        const expected = Number(/# exit (\d+)$/.exec(line)?.[1] ?? 0)
        const r = await run(line, urls)
        assert.strictEqual(r.code, expected, `${line}\n${r.stderr}`)
        results.push(r)
      }
      const [first, , before, , refused, , after, journal] = results
      assert.strictEqual(first!.stdout, m[2])
      assert.include(before!.stdout, "those clients get 403 under HttpTokens=required")
      assert.include(refused!.stderr, "HttpTokens=required")
      assert.include(after!.stdout, "were refused")
      assert.include(journal!.stdout, "TokenRequired")
    } finally {
      server.kill("SIGTERM")
      assert.strictEqual(await exited, 0)
    }
  })
})

describe("the repository README", () => {
  it("shows the same tour, so running this one runs that one as written", () => {
    const root = readFileSync(join(cliDir, "..", "..", "README.md"), "utf8")
    const rootTour = /<!-- tour:[^>]*-->\s*```sh\n([\s\S]*?)```/.exec(root)?.[1]
    assert.strictEqual(rootTour, tour)
  })
})
