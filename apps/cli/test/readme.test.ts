// Every example in the README's command tables, run as written through `sh` in a scratch directory, in order:
// `init` and `schema` first, then the `serve` example (on free ports, found by the others through the
// environment), then the rest. `--watch` / `--follow` examples run until SIGINT, which must end them with 0.
import { readFileSync } from "node:fs"
import { join } from "node:path"
import { assert, describe, it } from "vitest"
import { cliDir } from "./support/cli.ts"
import { collect, shellWithCli, type Vars } from "./support/shell.ts"

const readme = readFileSync(join(cliDir, "README.md"), "utf8")
const commands = readme.slice(readme.indexOf("## Commands"), readme.indexOf("## Output"))
/** The last cell of each table row, when it is one code span that runs the command. */
const examples = commands
  .split("\n")
  .filter((line) => line.startsWith("| "))
  .map((line) => /\| `([^`]*aliyun-imds [^`]*)` \|$/.exec(line)?.[1]?.replace(/\\\|/g, "|"))
  .filter((example): example is string => example !== undefined)

const shell = shellWithCli("aliyun-imds-readme-")

/**
 * Long-running examples get SIGINT once they run, which their first output shows (`stats --watch` prints at once,
 * `journal --follow` its header). Through `exec` the signal reaches aliyun-imds itself. One that prints nothing in
 * 20 s fails here rather than being interrupted blind; an example that ends by itself is returned as it is.
 */
const runExample = async (line: string, vars: Vars) => {
  if (!/--watch|--follow/.test(line)) return shell.run(line, vars)
  const child = shell.sh(`exec ${line}`, vars)
  const done = collect(child)
  const running = await new Promise<boolean>((resolve) => {
    const settle = (ok: boolean) => {
      clearTimeout(safetyNet)
      resolve(ok)
    }
    const safetyNet = setTimeout(() => settle(false), 20_000)
    child.stdout?.once("data", () => settle(true))
    child.once("close", () => settle(true))
  })
  if (!running) {
    child.kill("SIGKILL")
    assert.fail(`${line} printed nothing in 20 s\n${(await done).stderr}`)
  }
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
    const { server, vars } = await shell.serve(examples[0]!)
    try {
      for (const line of examples.slice(1).filter((e) => !first.includes(e))) {
        const r = await runExample(line, vars)
        assert.strictEqual(r.code, 0, `${line}\n${r.stderr}`)
      }
    } finally {
      assert.strictEqual(await server.stop("SIGTERM"), 0)
    }
  }, 120_000)
})
