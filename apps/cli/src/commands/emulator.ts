// The emulator in this process, for the commands that start one (`serve`, `exec`): the server module is loaded on
// first use (other commands do not pay for it), stopped when the command's scope closes, and a failure to start is
// one line with a hint and exit code 1.
import type { RunningServer, LogLevel as ServerLogLevel, ServerOptions } from "@aliyun-imds/server"
import { Effect, type LogLevel, Option, type Scope } from "effect"
import { type CliFailure, ExitCode, fail } from "../ExitCodes.ts"

/** The built-in `--log-level` (effect/cli's names) as the server's level; `none` silences it. */
const levels: Record<LogLevel.LogLevel, ServerLogLevel> = {
  All: "debug",
  Trace: "debug",
  Debug: "debug",
  Info: "info",
  Warn: "warn",
  Error: "error",
  Fatal: "error",
  None: "silent"
}

/** The server's log level for a `--log-level` flag, or `unset` when it was not given. */
export const serverLogLevel = (level: Option.Option<LogLevel.LogLevel>, unset: ServerLogLevel): ServerLogLevel =>
  Option.match(level, { onNone: () => unset, onSome: (l) => levels[l] })

const startupFailure = (error: unknown): CliFailure => {
  const name = error instanceof Error ? error.name : ""
  if (name === "FleetLoadError" && error instanceof Error) {
    const hint = error.message.startsWith("cannot read")
      ? "check the --config path, or write a sample with 'aliyun-imds init --output FILE'"
      : "fix the file (its schema: 'aliyun-imds schema'; a valid sample: 'aliyun-imds init')"
    return fail(ExitCode.runtime, `${error.message}; ${hint}`)
  }
  if (name === "StartupError" && error instanceof Error) {
    const hint = /EADDRINUSE/.test(error.message)
      ? "; is another emulator running? pick other ports with --port / --admin-port / --ecs-port (0 = any free port), or --no-ecs"
      : ""
    return fail(ExitCode.runtime, `${error.message}${hint}`)
  }
  return fail(ExitCode.runtime, `cannot start the emulator: ${error instanceof Error ? error.message : String(error)}`)
}

/** Starts the emulator; it stops when the scope closes. */
export const startEmulator = (options: ServerOptions): Effect.Effect<RunningServer, CliFailure, Scope.Scope> =>
  Effect.gen(function* () {
    const { startServer } = yield* Effect.promise(() => import("@aliyun-imds/server"))
    return yield* Effect.acquireRelease(
      Effect.tryPromise({ try: () => startServer(options), catch: startupFailure }),
      (server) => Effect.promise(() => server.stop())
    )
  })
