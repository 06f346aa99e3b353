// The emulator as a separate process on Node or Bun (the real entry points), started with `--port 0`, its printed
// URLs parsed, and stopped by signal with a bounded wait, so a test can check the exit code and closed ports.
import { type ChildProcess, spawn } from "node:child_process"
import { readFileSync } from "node:fs"
import { createRequire } from "node:module"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"

export type RuntimeName = "node" | "bun"

export const serverDir = fileURLToPath(new URL("../../", import.meta.url))

/**
 * The Bun binary itself. `node_modules/.bin/bun` is a pnpm shell shim that runs Bun as its child without `exec`,
 * so a signal sent to it stops the shim (exit 143) and leaves the server running.
 */
export const bunBinary = (): string => {
  const manifest = createRequire(join(serverDir, "package.json")).resolve("bun/package.json")
  const { bin } = JSON.parse(readFileSync(manifest, "utf8")) as { bin: { bun: string } }
  return join(dirname(manifest), bin.bun)
}

const runtimeBinary = (runtime: RuntimeName): string => (runtime === "node" ? process.execPath : bunBinary())

/** The real entry point with free ports, or `options` handed to the serveOptions.ts driver. */
export type Launch = { readonly args: ReadonlyArray<string> } | { readonly options: Readonly<Record<string, unknown>> }

/** Every listener on a free port. */
const freePorts = ["--port", "0", "--admin-port", "0", "--ecs-port", "0"]

const argvFor = (runtime: RuntimeName, launch: Launch): Array<string> =>
  "args" in launch
    ? [runtime === "node" ? "src/main.node.ts" : "src/main.bun.ts", ...freePorts, ...launch.args]
    : ["test/support/serveOptions.ts", JSON.stringify(launch.options)]

export interface SpawnedServer {
  readonly runtime: RuntimeName
  readonly child: ChildProcess
  readonly dataUrl: string
  readonly adminUrl: string
  readonly port: number
  readonly adminPort: number
  /** The runtime the process reports in its banner (`aliyun-imds (bun) …`). */
  readonly reportedRuntime: string
  readonly defaultInstanceId: string
  readonly output: () => { readonly stdout: string; readonly stderr: string }
  /** Sends `signal` and waits for the exit (SIGKILL after `timeoutMs`). */
  readonly stop: (
    signal?: NodeJS.Signals,
    timeoutMs?: number
  ) => Promise<{ code: number | null; signal: string | null }>
}

const banner = /aliyun-imds \((\w+)\) serving instance (\S+)\n\s+metadata: (\S+)\n\s+admin:\s+(\S+)\n/

export const spawnServer = (runtime: RuntimeName, launch: Launch, startTimeoutMs = 45_000): Promise<SpawnedServer> => {
  const env = { ...process.env }
  // The test runner's loader hooks must not leak into the server under test.
  delete env.NODE_OPTIONS
  const child = spawn(runtimeBinary(runtime), argvFor(runtime, launch), {
    cwd: serverDir,
    env,
    stdio: ["ignore", "pipe", "pipe"]
  })
  let stdout = ""
  let stderr = ""
  child.stdout?.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk))
  child.stderr?.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk))
  const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) =>
    child.once("exit", (code, signal) => resolve({ code, signal }))
  )
  const stop = async (signal: NodeJS.Signals = "SIGTERM", timeoutMs = 10_000) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal)
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs)
    const result = await exited
    clearTimeout(timer)
    return result
  }
  return new Promise((resolve, reject) => {
    let started = false
    const fail = (why: string) => {
      if (started) return
      clearInterval(poll)
      clearTimeout(timer)
      void stop("SIGKILL")
      reject(new Error(`${runtime} server ${why}\nstdout: ${stdout}\nstderr: ${stderr}`))
    }
    const timer = setTimeout(() => fail(`did not print its URLs within ${startTimeoutMs} ms`), startTimeoutMs)
    void exited.then(({ code }) => fail(`exited early with code ${code}`))
    const poll = setInterval(() => {
      const m = banner.exec(stdout)
      if (m === null) return
      started = true
      clearInterval(poll)
      clearTimeout(timer)
      const [, reported = "", instanceId = "", dataUrl = "", adminUrl = ""] = m
      resolve({
        runtime,
        child,
        dataUrl,
        adminUrl,
        port: Number(new URL(dataUrl).port),
        adminPort: Number(new URL(adminUrl).port),
        reportedRuntime: reported,
        defaultInstanceId: instanceId,
        output: () => ({ stdout, stderr }),
        stop
      })
    }, 20)
  })
}
