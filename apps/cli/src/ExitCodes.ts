// The CLI's exit codes, documented in `--help` and the README, and the one failure type commands end with: a code
// plus one line that names the problem and says what to do about it.
import { Cause, Exit, Option, Schema } from "effect"
import { CliError } from "effect/cli"

export const ExitCode = {
  /** Done. Also after Ctrl-C / SIGTERM stopped `serve`, `stats --watch` or `journal --follow` cleanly. */
  ok: 0,
  /** Runtime error: unreachable endpoint, timeout, server error, unreadable or invalid file. */
  runtime: 1,
  /** Usage error: unknown command or flag, bad flag value, invalid argument, server said 400. */
  usage: 2,
  /** Refused: 401 or 403 from the metadata service (e.g. normal mode under HttpTokens=required, an expired
   * token) or from the admin API (missing or wrong admin token). */
  refused: 3,
  /** Not found: 404 (no such metadata item, instance, role or fault rule). */
  notFound: 4,
  /** `check`: the command ran (and succeeded) but read metadata without a token at least once. */
  tokenless: 5,
  /** `check`: the command itself failed (its own exit code is in the message). */
  commandFailed: 6,
  /** `exec`: the command was found but could not be run (not executable), as in a shell. */
  notRunnable: 126,
  /** `exec`: the command was not found, as in a shell. */
  commandNotFound: 127,
  /** Ctrl-C / SIGTERM stopped a command that was not meant to run until then. */
  interrupted: 130
} as const

export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode]

/** The table printed at the end of `aliyun-imds --help`. */
export const exitCodeHelp: ReadonlyArray<readonly [code: number, meaning: string]> = [
  [ExitCode.ok, "success (also after Ctrl-C or SIGTERM stopped serve / --watch / --follow)"],
  [ExitCode.runtime, "runtime error: endpoint unreachable, timeout, 5xx, bad fleet file"],
  [ExitCode.usage, "usage error: unknown command or flag, bad value, server answered 400"],
  [ExitCode.refused, "refused by the server: 401 / 403 (e.g. normal mode under HttpTokens=required)"],
  [ExitCode.notFound, "not found: 404 (no such metadata path, instance, role or rule)"],
  [ExitCode.tokenless, "check: the command read metadata without a token (normal mode)"],
  [ExitCode.commandFailed, "check: the command failed"],
  [ExitCode.notRunnable, "exec: the command cannot be run (e.g. not executable)"],
  [ExitCode.commandNotFound, "exec: the command was not found; otherwise exec exits with its command's code"],
  [ExitCode.interrupted, "interrupted: Ctrl-C or SIGTERM stopped any other command"]
]

let passedThrough: number | null = null

/** A command that runs another (sandbox, check, exec) ends with that one's exit code, even when a signal to this
 * process interrupted the wait: bin.ts's teardown prefers the code recorded here. */
export const passThrough = (code: number): void => {
  passedThrough = code
}

export const passedThroughCode = (): number | null => passedThrough

/** A failure that has already been put into words: `message` is one line, `exitCode` one of {@link ExitCode}. */
export class CliFailure extends Schema.TaggedError<CliFailure>()("CliFailure", {
  exitCode: Schema.Int,
  message: Schema.String
}) {}

export const fail = (exitCode: ExitCode, message: string) => new CliFailure({ exitCode, message })

export const usageError = (message: string) => fail(ExitCode.usage, message)

/** The exit code that goes with an HTTP status the CLI did not expect to succeed. */
export const exitCodeOfStatus = (status: number): ExitCode => {
  if (status === 401 || status === 403) return ExitCode.refused
  if (status === 404) return ExitCode.notFound
  if (status === 400) return ExitCode.usage
  return ExitCode.runtime
}

export interface Outcome {
  readonly exitCode: number
  /** One line for stderr, or null when everything was said already (help, usage line, a child process). */
  readonly message: string | null
}

const errorMessage = (error: unknown): string =>
  error instanceof Error ? error.message : typeof error === "string" ? error : JSON.stringify(error)

/** How a finished run ends: its exit code and what is left to say. Stack traces only when `debug`. */
export const outcomeOf = (exit: Exit.Exit<unknown, unknown>, debug: boolean): Outcome => {
  if (Exit.isSuccess(exit)) return { exitCode: ExitCode.ok, message: null }
  const cause = exit.cause
  // Ctrl-C / SIGTERM: every finaliser (server stop, child stop) has run; that is a clean end.
  if (Cause.hasInterruptsOnly(cause)) return { exitCode: ExitCode.ok, message: null }
  const error = Cause.findErrorOption(cause)
  if (Option.isSome(error)) {
    const e = error.value
    if (e instanceof CliFailure) return { exitCode: e.exitCode, message: e.message === "" ? null : e.message }
    if (CliError.isCliError(e)) {
      if (e._tag === "ShowHelp") return { exitCode: e.errors.length > 0 ? ExitCode.usage : ExitCode.ok, message: null }
      return { exitCode: ExitCode.usage, message: errorMessage(e) }
    }
    return { exitCode: ExitCode.runtime, message: errorMessage(e) }
  }
  const defect = Cause.squash(cause)
  const detail = debug && defect instanceof Error && defect.stack ? `\n${defect.stack}` : ""
  const hint = debug ? "" : " (rerun with --log-level debug for a stack trace)"
  return { exitCode: ExitCode.runtime, message: `unexpected error: ${errorMessage(defect)}${hint}${detail}` }
}
