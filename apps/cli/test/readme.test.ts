// Every example in the README's command tables, run as written through `sh` in a scratch directory, in order:
// `init` and `schema` first, then the `serve` example (on free ports, found by the others through the
// environment), then the rest. `--watch` / `--follow` examples run until SIGINT, which must end them with 0.
import { type ChildProcess, spawn } from "node:child_process"
import { mkdtempSync, readFileSync, rmSync, symlinkSync } from "node:fs"
import { tmpdir } from "node:os"
import { delimiter, dirname, join } from "node:path"
import { afterAll, assert, describe, it } from "vitest"
import { banner, binPath, type CliResult, cleanEnv, cliDir } from "./support/cli.ts"

const readme = readFileSync(join(cliDir, "README.md"), "utf8")
const commands = readme.slice(readme.indexOf("## Commands"), readme.indexOf("## Output"))
/** The last cell of each table row, when it is one code span that runs the command. */
const examples = commands
  .split("\n")
  .filter((line) => line.startsWith("| "))
  .map((line) => /\| `([^`]*aliyun-imds [^`]*)` \|$/.exec(line)?.[1]?.replace(/\\\|/g, "|"))
  .filter((example): example is string => example !== undefined)

const scratch = mkdtempSync(join(tmpdir(), "aliyun-imds-readme-"))
symlinkSync(binPath, join(scratch, "aliyun-imds"))
afterAll(() => rmSync(scratch, { recursive: true, force: true }))

const env = (extra: Record<string, string>) =>
  cleanEnv({ ...extra, PATH: [scratch, dirname(process.execPath), process.env.PATH ?? ""].join(delimiter) })

const collect = (child: ChildProcess) =>
  new Promise<CliResult>((resolve) => {
    let stdout = ""
    let stderr = ""
    child.stdout?.setEncoding("utf8").on("data", (c: string) => (stdout += c))
    child.stderr?.setEncoding("utf8").on("data", (c: string) => (stderr += c))
    child.once("close", (code) => resolve({ code, stdout, stderr }))
  })

const sh = (line: string, extra: Record<string, string>) =>
  spawn("sh", ["-c", line], { cwd: scratch, env: env(extra), stdio: ["ignore", "pipe", "pipe"] })

/** Long-running examples get SIGINT after a while; through `exec` the signal reaches aliyun-imds itself. */
const runExample = async (line: string, extra: Record<string, string>) => {
  if (!/--watch|--follow/.test(line)) return collect(sh(line, extra))
  const child = sh(`exec ${line}`, extra)
  const done = collect(child)
  await new Promise((resolve) => setTimeout(resolve, 2500))
  child.kill("SIGINT")
  return done
}

describe("README command examples", () => {
  it("lists one example per table row, starting with serve, init and schema", () => {
    const rows = commands.split("\n").filter((line) => line.startsWith("| `"))
    assert.strictEqual(examples.length, rows.length)
    assert.isAtLeast(examples.length, 25)
    assert.match(examples[0]!, /^aliyun-imds serve /)
  })

  it("every example works as written", async () => {
    const first = examples.filter((e) => /^aliyun-imds (init|schema)\b/.test(e))
    for (const line of first) {
      const r = await runExample(line, {})
      assert.strictEqual(r.code, 0, `${line}\n${r.stderr}`)
    }
    const serveLine = examples[0]!
    const [command, ...args] = serveLine.split(/\s+/)
    const server = spawn(command!, args, {
      cwd: scratch,
      env: env({ ALIYUN_IMDS_PORT: "0", ALIYUN_IMDS_ADMIN_PORT: "0" }),
      stdio: ["ignore", "pipe", "pipe"]
    })
    let out = ""
    server.stdout?.setEncoding("utf8").on("data", (c: string) => (out += c))
    const exited = new Promise<number | null>((resolve) => server.once("exit", (code) => resolve(code)))
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
      for (const line of examples.slice(1).filter((e) => !first.includes(e))) {
        const r = await runExample(line, urls)
        assert.strictEqual(r.code, 0, `${line}\n${r.stderr}`)
      }
    } finally {
      server.kill("SIGTERM")
      assert.strictEqual(await exited, 0)
    }
  }, 120_000)
})
