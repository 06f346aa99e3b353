// Child processes of a benchmark: servers and load generators, each pinned to its own core when `taskset` exists,
// with the server's CPU time and memory read from /proc (Linux) while it runs.
import { type ChildProcess, spawn, spawnSync } from "node:child_process"
import { readFileSync } from "node:fs"
import { createRequire } from "node:module"
import { dirname, join } from "node:path"
import { createInterface } from "node:readline"
import { fileURLToPath } from "node:url"

export const nodeBin = process.execPath
export const srcDir = fileURLToPath(new URL(".", import.meta.url))
export const repoRoot = fileURLToPath(new URL("../../../", import.meta.url))

/** The real Bun binary from the `bun` package's `bin` entry (not the pnpm shim, which does not forward signals). */
const findBun = (): string => {
  const manifest = createRequire(import.meta.url).resolve("bun/package.json")
  const { bin } = JSON.parse(readFileSync(manifest, "utf8")) as { bin: { bun: string } }
  return join(dirname(manifest), bin.bun)
}
export const bunBin = findBun()

const has = (command: string): boolean => spawnSync("sh", ["-c", `command -v ${command}`]).status === 0
export const tasksetAvailable = has("taskset") && process.platform === "linux"
export const wrkAvailable = has("wrk")
const clockTicks = Number(spawnSync("getconf", ["CLK_TCK"]).stdout?.toString().trim()) || 100

/** Core layout: the server gets core 0, the load generator the last one (both unpinned on a 1-core machine). */
export type Core = "server" | "load"

export const pinned = (core: Core, command: string, args: ReadonlyArray<string>): [string, Array<string>] => {
  const cpus = (globalThis.navigator?.hardwareConcurrency ?? 1) as number
  if (!tasksetAvailable || cpus < 2) return [command, [...args]]
  return ["taskset", ["-c", core === "server" ? "0" : String(cpus - 1), command, ...args]]
}

export interface Usage {
  /** CPU seconds (user + system) since the process started. */
  readonly cpuSeconds: number
  readonly rssBytes: number
}

/** Reads /proc/<pid>/stat and status; zeros where /proc does not exist. */
export const usageOf = (pid: number): Usage => {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8")
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ")
    const ticks = Number(fields[11]) + Number(fields[12])
    const status = readFileSync(`/proc/${pid}/status`, "utf8")
    const rssKb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0)
    return { cpuSeconds: ticks / clockTicks, rssBytes: rssKb * 1024 }
  } catch {
    return { cpuSeconds: 0, rssBytes: 0 }
  }
}

export interface ServerProcess<A> {
  readonly pid: number
  readonly ready: A
  /** Milliseconds from spawn to the ready line. */
  readonly spawnToReadyMs: number
  readonly stop: () => Promise<void>
}

/** Starts a server program and waits for its first stdout line (JSON); rejects if it exits or times out first. */
export const startProcess = <A>(command: string, args: ReadonlyArray<string>, timeoutMs = 30_000) =>
  new Promise<ServerProcess<A>>((resolve, reject) => {
    const t0 = performance.now()
    const [cmd, argv] = pinned("server", command, args)
    const child = spawn(cmd, argv, { stdio: ["ignore", "pipe", "pipe"] })
    let stderr = ""
    child.stderr.on("data", (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-4000)
    })
    const timer = setTimeout(() => fail(new Error(`${command} did not start within ${timeoutMs} ms`)), timeoutMs)
    const fail = (error: Error) => {
      clearTimeout(timer)
      child.kill("SIGKILL")
      reject(new Error(`${error.message}\n${stderr}`))
    }
    child.once("error", fail)
    child.once("exit", (code) => fail(new Error(`${command} exited with ${code} before it was ready`)))
    createInterface({ input: child.stdout }).once("line", (line) => {
      clearTimeout(timer)
      child.removeAllListeners("exit")
      resolve({
        pid: child.pid!,
        ready: JSON.parse(line) as A,
        spawnToReadyMs: performance.now() - t0,
        stop: () => stopChild(child)
      })
    })
  })

/** SIGTERM, then SIGKILL if the process is still there after 5 s. */
export const stopChild = (child: ChildProcess): Promise<void> =>
  new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve()
    const timer = setTimeout(() => child.kill("SIGKILL"), 5000)
    child.once("exit", () => {
      clearTimeout(timer)
      resolve()
    })
    child.kill("SIGTERM")
  })

/** Runs a command to completion and returns its stdout; rejects on a non-zero exit. */
export const runToEnd = (command: string, args: ReadonlyArray<string>, core: Core = "load"): Promise<string> =>
  new Promise((resolve, reject) => {
    const [cmd, argv] = pinned(core, command, args)
    const child = spawn(cmd, argv, { stdio: ["ignore", "pipe", "pipe"] })
    let out = ""
    let err = ""
    child.stdout.on("data", (c: Buffer) => (out += c.toString()))
    child.stderr.on("data", (c: Buffer) => (err = (err + c.toString()).slice(-4000)))
    child.once("error", reject)
    child.once("exit", (code) => (code === 0 ? resolve(out) : reject(new Error(`${command} exited ${code}: ${err}`))))
  })
