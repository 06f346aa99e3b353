// The state file's lock across PID namespaces (`sandbox` serves from one of its own): a pid there is a small number
// another namespace cannot see, or would take for one of its own processes. Needs root and unshare(1); skipped without.
import { type ChildProcess, spawn, spawnSync } from "node:child_process"
import { mkdtempSync, readFileSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { afterAll, describe, expect, it } from "vitest"
import { acquireStateLock, StateLocked } from "../src/state/StateLock.ts"

const canUnshare =
  process.platform === "linux" &&
  process.getuid?.() === 0 &&
  spawnSync("unshare", ["--pid", "--fork", "true"], { stdio: "ignore" }).status === 0

const dir = mkdtempSync(join(tmpdir(), "aliyun-imds-lock-"))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
const lockModule = fileURLToPath(new URL("../src/state/StateLock.ts", import.meta.url))

/** A process in a PID namespace of its own that tries the lock, says `locked` or `refused: …`, and holds it until killed. */
const inNamespace = (statePath: string): { child: ChildProcess; said: Promise<string> } => {
  const script = `
    const { acquireStateLock } = await import(${JSON.stringify(lockModule)})
    try { await acquireStateLock(${JSON.stringify(statePath)}); console.log("locked " + process.pid + " " + (await import("node:fs")).readlinkSync("/proc/self")) }
    catch (e) { console.log("refused: " + e.message) }
    setInterval(() => {}, 60_000)`
  const child = spawn(
    "unshare",
    ["--pid", "--fork", "--kill-child", process.execPath, "--input-type=module", "-e", script],
    {
      stdio: ["ignore", "pipe", "pipe"]
    }
  )
  let errors = ""
  child.stderr?.setEncoding("utf8").on("data", (chunk: string) => (errors += chunk))
  const said = new Promise<string>((resolve, reject) => {
    let out = ""
    child.stdout?.setEncoding("utf8").on("data", (chunk: string) => {
      out += chunk
      if (out.includes("\n")) resolve(out.trim())
    })
    child.once("exit", () => reject(new Error(`the namespaced process ended first: ${out}${errors}`)))
  })
  return { child, said }
}

/** Kills the namespaced process (`pid` as /proc names it, when known) and waits for unshare, which reaps it. */
const stop = (child: ChildProcess, pid?: number) =>
  new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve()
    child.once("exit", () => resolve())
    if (pid === undefined) child.kill("SIGKILL")
    else process.kill(pid, "SIGKILL")
  })

const pidOf = (said: string) => Number(said.split(" ")[2])

describe.skipIf(!canUnshare)("the state lock across PID namespaces", () => {
  it("a lock held from another PID namespace refuses this process, and is taken over once its holder is gone", async () => {
    const path = join(dir, "held-inside.json")
    const inside = inNamespace(path)
    let holder: number | undefined
    try {
      // Inside, the holder is pid 1 or 2; the lock names it as /proc does.
      const said = await inside.said
      expect(said).toMatch(/^locked [12] \d+$/)
      holder = pidOf(said)
      const owner = JSON.parse(readFileSync(`${path}.lock`, "utf8")) as { pid: number; start: string }
      expect(owner.pid).toBe(holder)
      expect(owner.pid).toBeGreaterThan(2)
      expect(owner.start).toMatch(/^\d+$/)
      const error = await acquireStateLock(path).catch((e: unknown) => e)
      expect(error).toBeInstanceOf(StateLocked)
    } finally {
      await stop(inside.child, holder)
    }
    const lock = await acquireStateLock(path)
    expect(JSON.parse(readFileSync(`${path}.lock`, "utf8")).pid).toBe(process.pid)
    await lock.release()
  })

  it("a lock held here refuses a process in another PID namespace, and so does one held in a third", async () => {
    const path = join(dir, "held-outside.json")
    const lock = await acquireStateLock(path)
    const refused = inNamespace(path)
    try {
      expect(await refused.said).toMatch(/^refused: locked by pid \d+ on /)
    } finally {
      await stop(refused.child)
      await lock.release()
    }
    // Two namespaces whose processes both have pid 1 or 2 there: the second must not take the first's lock for its own.
    const first = inNamespace(path)
    const second = inNamespace(path)
    try {
      const said = [await first.said, await second.said].sort()
      expect(said[0]).toMatch(/^locked [12] \d+$/)
      expect(said[1]).toMatch(/^refused: locked by pid \d+ on /)
    } finally {
      await Promise.all([stop(first.child), stop(second.child)])
    }
  })
})
