// A command run in this process's place: it inherits stdin, stdout and stderr, gets the signals this process is sent
// (each delivered once), and how it ends is reported as a shell would (its status, or 128 + the signal's number).
// `exec` runs one while its emulator serves in this process; `sandbox` and `check` can run theirs the same way.
import { spawn } from "node:child_process"
import { readFileSync } from "node:fs"
import { constants } from "node:os"
import { isatty } from "node:tty"
import { Effect, Schema } from "effect"
import { ExitCode } from "./ExitCodes.ts"

export interface ChildCommand {
  readonly command: string
  readonly args: ReadonlyArray<string>
  /** The child's whole environment; this process's when absent. */
  readonly env?: NodeJS.ProcessEnv
  readonly cwd?: string
}

export interface ChildExit {
  /** The child's exit status, or null when a signal ended it. */
  readonly code: number | null
  readonly signal: NodeJS.Signals | null
  /** As a shell reports it: the status, or 128 + the signal's number. */
  readonly exitCode: number
}

/** Why a command could not be started, with the exit code a shell gives for it (127 not found, 126 not runnable). */
export class ChildSpawnError extends Schema.TaggedError<ChildSpawnError>()("ChildSpawnError", {
  command: Schema.String,
  reason: Schema.Literals(["not-found", "not-executable", "failed"]),
  detail: Schema.String
}) {
  get exitCode(): number {
    return this.reason === "not-found" ? ExitCode.commandNotFound : ExitCode.notRunnable
  }
}

/** The signals passed on to the child. Others keep their default action (Ctrl-\ and Ctrl-Z reach the child from the terminal). */
export const forwardedSignals = ["SIGINT", "SIGTERM", "SIGHUP"] as const
export type ForwardedSignal = (typeof forwardedSignals)[number]

/** The exit code a shell reports for a child that ended with `code` or was killed by `signal`. */
export const exitCodeOf = (code: number | null, signal: NodeJS.Signals | null): number => {
  if (code !== null) return code
  const number = signal === null ? undefined : constants.signals[signal]
  return number === undefined ? 1 : 128 + number
}

/** The process group and the terminal's foreground process group, read from a `/proc/<pid>/stat` line. */
export const processGroupsOf = (stat: string): { readonly pgrp: number; readonly tpgid: number } | null => {
  // The command name (field 2) is in parentheses and may hold spaces and parentheses: count from the last one.
  const close = stat.lastIndexOf(")")
  if (close === -1) return null
  // state ppid pgrp session tty_nr tpgid …
  const fields = stat
    .slice(close + 1)
    .trim()
    .split(/\s+/)
  const pgrp = Number(fields[2])
  const tpgid = Number(fields[5])
  return Number.isInteger(pgrp) && Number.isInteger(tpgid) ? { pgrp, tpgid } : null
}

/**
 * Whether this process is in its terminal's foreground process group, where a Ctrl-C (SIGINT) or a hang-up (SIGHUP)
 * from the terminal reaches every process of the group, the child included. Linux reads it from /proc; elsewhere a
 * terminal on stdin stands for it.
 */
export const inTerminalForeground = (): boolean => {
  if (process.platform === "linux") {
    try {
      const groups = processGroupsOf(readFileSync("/proc/self/stat", "utf8"))
      if (groups !== null) return groups.tpgid > 0 && groups.pgrp === groups.tpgid
    } catch {
      // No /proc: fall through.
    }
  }
  return isatty(0)
}

/**
 * Whether a signal this process got must be passed on. SIGTERM always is: nothing sends it to a whole group by
 * itself. SIGINT and SIGHUP are not when this process is in the terminal's foreground group: the terminal sent them
 * to the child as well, and a second copy would make a program that counts Ctrl-Cs (or asks "really quit?") see two.
 */
export const shouldForward = (signal: ForwardedSignal, foreground: boolean): boolean =>
  signal === "SIGTERM" || !foreground

let running = 0

/**
 * Whether a child started by {@link runChild} is running. While one is, the signals it is forwarded must not also
 * stop this process: the run ends when the child does, with its exit code (bin.ts asks this before interrupting).
 */
export const childHoldsSignals = (): boolean => running > 0

const spawnErrorOf = (command: string, error: NodeJS.ErrnoException) =>
  new ChildSpawnError({
    command,
    reason: error.code === "ENOENT" ? "not-found" : error.code === "EACCES" ? "not-executable" : "failed",
    detail: error.message
  })

export interface RunOptions {
  /** Told of each signal this process got while the child ran, and whether it was passed on. */
  readonly onSignal?: (signal: ForwardedSignal, forwarded: boolean) => void
}

/** How long an interrupted run waits for the child after SIGTERM before it sends SIGKILL. */
const killGraceMs = 10_000

/**
 * Runs the command with this process's stdio and resolves with how it ended. SIGINT, SIGTERM and SIGHUP sent to this
 * process meanwhile are passed on ({@link shouldForward}) and do not end it. If the run is interrupted, the child
 * gets SIGTERM (SIGKILL after 10 s) and the interruption completes once it has exited: nothing is left running.
 */
export const runChild = (command: ChildCommand, options: RunOptions = {}): Effect.Effect<ChildExit, ChildSpawnError> =>
  Effect.callback<ChildExit, ChildSpawnError>((resume) => {
    const child = spawn(command.command, command.args, {
      stdio: "inherit",
      env: command.env ?? process.env,
      ...(command.cwd === undefined ? {} : { cwd: command.cwd })
    })
    const onSignal = (signal: ForwardedSignal) => {
      const forward = shouldForward(signal, inTerminalForeground())
      if (forward) child.kill(signal)
      options.onSignal?.(signal, forward)
    }
    running++
    for (const signal of forwardedSignals) process.on(signal, onSignal)
    let released = false
    const release = () => {
      if (released) return
      released = true
      running--
      for (const signal of forwardedSignals) process.off(signal, onSignal)
    }
    const exited = new Promise<void>((done) => {
      child.once("exit", (code, signal) => {
        release()
        resume(Effect.succeed({ code, signal, exitCode: exitCodeOf(code, signal) }))
        done()
      })
      // Also emitted when a kill fails, but then the child exists (it has a pid) and its exit still comes.
      child.on("error", (error) => {
        if (child.pid !== undefined) return
        release()
        resume(Effect.fail(spawnErrorOf(command.command, error)))
        done()
      })
    })
    return Effect.promise(async () => {
      if (child.pid !== undefined && child.exitCode === null && child.signalCode === null) {
        child.kill("SIGTERM")
        const escalate = setTimeout(() => child.kill("SIGKILL"), killGraceMs)
        await exited
        clearTimeout(escalate)
      }
      release()
    })
  })
