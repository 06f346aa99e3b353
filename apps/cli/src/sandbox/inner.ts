// The sandbox's inside: the first process of a fresh network (and PID) namespace. It puts 100.100.100.200 on the
// namespace's loopback, serves the emulator there on port 80 (admin API on a Unix socket, which the outside can
// reach), runs the command, passes signals on, and reports how the command ended. Being the namespace's init, its
// end takes every process left in the namespace with it, and the namespace itself goes with the last one.
import { type ChildProcess, execFileSync, spawn } from "node:child_process"
import { rmSync } from "node:fs"
import { type RunningServer, startServer } from "@aliyun-imds/server"
import { exitCodeOf, inTerminalForeground, shouldForward } from "../ChildProcess.ts"
import { openControl } from "./Control.ts"
import type { InnerConfig, InnerMessage } from "./Protocol.ts"

export const imdsAddress = "100.100.100.200"

// The last argument, after this script's path (Node, Bun) or the binary's hidden marker (SingleFile.ts).
const config = JSON.parse(process.argv.at(-1) ?? "{}") as InnerConfig
// The outside may be gone (killed): then there is no one to tell, and `onClose` below ends this process.
const control = openControl()
const send = (message: InnerMessage) => control.send(message)

let server: RunningServer | null = null
let child: ChildProcess | null = null
let exitCode: number | null = null
/** A signal that came before the command started: it is not started, and ends as if killed by it. */
let pendingSignal: NodeJS.Signals | null = null

const passOn = (signal: NodeJS.Signals) => {
  if (child === null) pendingSignal ??= signal
  else child.kill(signal)
}

const end = async (code: number): Promise<never> => {
  child?.kill("SIGKILL")
  await server?.stop().catch(() => undefined)
  if (config.removeDir !== null) rmSync(config.removeDir, { recursive: true, force: true })
  // Whatever was said reaches the outside before this process ends.
  await control.end()
  process.exit(code)
}

// The outside went away (killed, or done): nothing here may outlive it.
control.onClose(() => void end(exitCode ?? 1))
control.onMessage((message) => {
  if (message.type === "signal") passOn(message.signal)
  if (message.type === "finish") void end(exitCode ?? 0)
})

// Signals sent to this process itself go to the command; a terminal's Ctrl-C already reached it (same process group).
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
  process.on(signal, () => {
    if (shouldForward(signal, inTerminalForeground())) passOn(signal)
  })
}

const setUpNetwork = (): string | null => {
  try {
    execFileSync(config.ip, ["link", "set", "lo", "up"], { stdio: ["ignore", "ignore", "pipe"] })
    execFileSync(config.ip, ["addr", "add", `${imdsAddress}/32`, "dev", "lo"], { stdio: ["ignore", "ignore", "pipe"] })
    return null
  } catch (error) {
    const stderr = (error as { stderr?: Buffer }).stderr?.toString().trim()
    return stderr || (error as Error).message
  }
}

const run = () => {
  if (pendingSignal !== null) {
    exitCode = exitCodeOf(null, pendingSignal)
    send({ type: "exited", code: exitCode, detail: `${pendingSignal} came before ${config.command} started` })
    return
  }
  const started = spawn(config.command, [...config.args], {
    stdio: "inherit",
    // Our own SDK and CLI inside find the emulator where every other program does, and its admin API on the socket.
    env: {
      ...process.env,
      ALIBABA_CLOUD_IMDS_ENDPOINT: `http://${imdsAddress}`,
      ALIYUN_IMDS_ADMIN_URL: `unix:${config.adminSocket}`
    }
  })
  child = started
  started.once("error", (error: NodeJS.ErrnoException) => {
    if (exitCode !== null) return
    exitCode = error.code === "ENOENT" ? 127 : 126
    const why = error.code === "ENOENT" ? "command not found" : error.message
    send({ type: "exited", code: exitCode, detail: `${config.command}: ${why}` })
  })
  started.once("exit", (code, signal) => {
    if (exitCode !== null) return
    exitCode = exitCodeOf(code, signal)
    send({ type: "exited", code: exitCode, detail: signal === null ? null : `${config.command} ended by ${signal}` })
  })
}

const networkProblem = setUpNetwork()
if (networkProblem !== null) {
  send({ type: "failed", kind: "network", message: networkProblem })
  await end(1)
}
try {
  server = await startServer({ ...config.options, host: imdsAddress, port: 80, adminSocket: config.adminSocket })
} catch (error) {
  send({ type: "failed", kind: "emulator", message: error instanceof Error ? error.message : String(error) })
  await end(1)
}
if (server !== null) {
  send({ type: "ready", dataUrl: server.dataUrl, adminUrl: server.adminUrl, instanceId: server.defaultInstanceId })
  run()
}
