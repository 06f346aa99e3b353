// Test support: the real `aliyun-imds` executable as a subprocess (bin/aliyun-imds.js on this Node), with a clean
// environment, and an emulator per suite on loopback ports chosen by the OS.
import { type ChildProcess, spawn } from "node:child_process"
import { createServer } from "node:net"
import { fileURLToPath } from "node:url"
import { type RunningServer, type ServerOptions, startServer } from "@aliyun-imds/server"
import { afterAll, beforeAll, onTestFinished, vi } from "vitest"

export const cliDir = fileURLToPath(new URL("../../", import.meta.url))
export const binPath = fileURLToPath(new URL("../../bin/aliyun-imds.js", import.meta.url))

export interface CliResult {
  readonly code: number | null
  readonly stdout: string
  readonly stderr: string
}

/** The environment a command sees: no inherited IMDS / admin settings, no test-runner loader hooks. */
export const cleanEnv = (extra: Readonly<Record<string, string>> = {}): NodeJS.ProcessEnv => {
  const env: NodeJS.ProcessEnv = { ...process.env }
  for (const key of Object.keys(env)) {
    if (/^(ALIBABA_CLOUD_|ALIYUN_IMDS_|NODE_OPTIONS$|VITEST|FORCE_COLOR$|NO_COLOR$)/.test(key)) delete env[key]
  }
  return { ...env, ...extra }
}

export const spawnCli = (args: ReadonlyArray<string>, env: Readonly<Record<string, string>> = {}): ChildProcess =>
  spawn(process.execPath, [binPath, ...args], { cwd: cliDir, env: cleanEnv(env), stdio: ["ignore", "pipe", "pipe"] })

/** Runs `aliyun-imds args…` to completion. */
export const runCli = (args: ReadonlyArray<string>, env: Readonly<Record<string, string>> = {}): Promise<CliResult> =>
  new Promise((resolve, reject) => {
    const child = spawnCli(args, env)
    let stdout = ""
    let stderr = ""
    child.stdout?.setEncoding("utf8").on("data", (c: string) => (stdout += c))
    child.stderr?.setEncoding("utf8").on("data", (c: string) => (stderr += c))
    child.once("error", reject)
    child.once("close", (code) => resolve({ code, stdout, stderr }))
  })

/** Starts one emulator for the enclosing `describe`; the getter is valid inside tests. */
export const useEmulator = (options: Omit<ServerOptions, "port" | "adminPort"> = {}): (() => RunningServer) => {
  let server: RunningServer | undefined
  beforeAll(async () => {
    server = await startServer({ port: 0, adminPort: 0, logLevel: "silent", ...options })
  })
  afterAll(async () => {
    await server?.stop()
  })
  return () => {
    if (server === undefined) throw new Error("emulator not started")
    return server
  }
}

/**
 * How many requests the in-process emulator has taken into a hold (injected latency or a black hole), counted as its
 * fault table decides them: an event to act on ("the service is holding the request") instead of a guessed delay.
 * The watch is removed when the test finishes.
 */
export const watchHolds = (server: RunningServer): (() => number) => {
  const apply = vi.spyOn(server.services.faults.table, "apply")
  onTestFinished(() => apply.mockRestore())
  return () =>
    apply.mock.results.filter(
      (r) => r.type === "return" && (r.value.latencyMs > 0 || r.value.terminal?.type === "blackhole")
    ).length
}

/** The emulator's journal after `afterSeq` (everything when absent), oldest first. */
export const journalOf = (server: RunningServer, afterSeq = 0) =>
  server.effectRuntime.runPromise(server.services.journal.query({ afterSeq, limit: 100_000 }))

/** Flags pointing the client and admin commands at `server`. */
export const at = (server: RunningServer) => ({
  endpoint: ["--endpoint", server.dataUrl],
  admin: ["--admin", server.adminUrl]
})

export const banner = /aliyun-imds \((\w+)\) serving instance (\S+)\n\s+metadata: (\S+)\n\s+admin:\s+(\S+)\n/

export interface Served {
  readonly child: ChildProcess
  readonly runtime: string
  readonly instanceId: string
  readonly dataUrl: string
  readonly adminUrl: string
  readonly output: () => { readonly stdout: string; readonly stderr: string }
  /** Sends `signal` and resolves with the exit code (SIGKILL after 10 s). */
  readonly stop: (signal?: NodeJS.Signals) => Promise<number | null>
}

/** `aliyun-imds serve …` as a subprocess, resolved once it printed its URLs. */
export const serveCli = (args: ReadonlyArray<string>, env: Readonly<Record<string, string>> = {}): Promise<Served> =>
  served(spawnCli(["serve", ...args], env))

/** A `serve` process however it was started, resolved once it printed its URLs (killed if it does not in 15 s). */
export const served = (child: ChildProcess): Promise<Served> =>
  new Promise((resolve, reject) => {
    let stdout = ""
    let stderr = ""
    child.stdout?.setEncoding("utf8").on("data", (c: string) => (stdout += c))
    child.stderr?.setEncoding("utf8").on("data", (c: string) => (stderr += c))
    const exited = new Promise<number | null>((done) => child.once("exit", (code) => done(code)))
    const stop = async (signal: NodeJS.Signals = "SIGTERM") => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal)
      const timer = setTimeout(() => child.kill("SIGKILL"), 10_000)
      const code = await exited
      clearTimeout(timer)
      return code
    }
    const timer = setTimeout(() => {
      void stop("SIGKILL")
      reject(new Error(`serve printed no URLs in time\nstdout: ${stdout}\nstderr: ${stderr}`))
    }, 15_000)
    void exited.then((code) => {
      clearTimeout(timer)
      reject(new Error(`serve exited early with ${code}\nstdout: ${stdout}\nstderr: ${stderr}`))
    })
    const poll = setInterval(() => {
      const m = banner.exec(stdout)
      if (m === null) return
      clearInterval(poll)
      clearTimeout(timer)
      const [, runtime = "", instanceId = "", dataUrl = "", adminUrl = ""] = m
      resolve({ child, runtime, instanceId, dataUrl, adminUrl, output: () => ({ stdout, stderr }), stop })
    }, 20)
    void exited.then(() => clearInterval(poll))
  })

/** A loopback port nothing listens on (taken from the OS, then released). */
export const closedPort = (): Promise<number> =>
  new Promise((resolve) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const { port } = s.address() as { port: number }
      s.close(() => resolve(port))
    })
  })
