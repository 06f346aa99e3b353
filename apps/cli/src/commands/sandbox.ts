// `aliyun-imds sandbox [serve flags] -- CMD [ARGS...]`: run any program, unmodified, where the emulator *is*
// http://100.100.100.200 (Linux network namespaces; see ../sandbox). The command owns stdin, stdout, stderr and the
// exit code; the sandbox says where its admin API is on stderr and is otherwise quiet.
import { Effect, Exit, Option } from "effect"
import { Argument, Command, GlobalFlag } from "effect/cli"
import { type CliFailure, ExitCode, fail, passThrough, usageError } from "../ExitCodes.ts"
import { Output, type OutputApi } from "../Output.ts"
import type { CommandEnded, SandboxReady } from "../sandbox/Sandbox.ts"
import { serveFlagSet, serverOptionsOf } from "./serveOptions.ts"

/** Serve flags that make sense in a sandbox: it always serves at 100.100.100.200:80, its admin API on a socket. */
export const sandboxFlags = serveFlagSet(["host", "port", "adminHost", "adminPort", "adminToken"])

export const commandArgument = Argument.String("command").pipe(
  Argument.withDescription("The program to run and its arguments, after --"),
  Argument.variadic({ min: 1 })
)

/** The command line after `--`; without `--`, flags meant for the command would be taken as ours. */
export const commandLine = (
  argv: ReadonlyArray<string>
): Effect.Effect<readonly [string, ...Array<string>], CliFailure> => {
  const at = argv.indexOf("--")
  const [command, ...args] = at === -1 ? [] : argv.slice(at + 1)
  return command === undefined
    ? Effect.fail(
        usageError(
          "give the command to run after --, e.g. aliyun-imds sandbox -- curl -s http://100.100.100.200/latest/meta-data/instance-id"
        )
      )
    : Effect.succeed([command, ...args])
}

export interface InSandbox<A, R> {
  readonly flags: Readonly<Record<string, unknown>>
  readonly argv: ReadonlyArray<string>
  /** Called once the command ended and before the emulator stops: read the admin API here. */
  readonly afterCommand: (ready: SandboxReady, ended: CommandEnded) => Effect.Effect<A, CliFailure, R>
}

/** Runs the command line in a sandbox; `afterCommand` sees the emulator still serving. */
export const inSandbox = <A, R>({ flags, argv, afterCommand }: InSandbox<A, R>) =>
  Effect.gen(function* () {
    const out = yield* Output
    const [command, ...args] = yield* commandLine(argv)
    const logLevel = yield* GlobalFlag.LogLevel
    const { startSandbox, SandboxFailed } = yield* Effect.promise(() => import("../sandbox/Sandbox.ts"))
    const options = { ...serverOptionsOf(flags), logLevel: Option.isSome(logLevel) ? "info" : "warn" } as const
    const run = yield* Effect.try({
      try: () =>
        startSandbox({
          options,
          command,
          args,
          adminSocket: Option.getOrUndefined(flags.adminSocket as Option.Option<string>)
        }),
      catch: (e) => fail(ExitCode.runtime, (e as Error).message)
    })
    const body = Effect.gen(function* () {
      const ready = yield* Effect.tryPromise({
        try: () => run.ready,
        catch: (e) =>
          e instanceof SandboxFailed && e.kind === "emulator"
            ? fail(ExitCode.runtime, `the emulator did not start: ${e.message}`)
            : fail(ExitCode.runtime, `sandbox: ${(e as Error).message}`)
      })
      yield* announce(out, ready, Option.isSome(logLevel))
      const ended = yield* Effect.promise(() => run.ended)
      passThrough(ended.code)
      const result = yield* afterCommand(ready, ended)
      if (ended.detail !== null) yield* out.note(`aliyun-imds sandbox: ${ended.detail}`)
      return { ended, result }
    })
    // A signal to this process interrupts the wait, at any point: the sandbox passed it on to the command (or, before
    // the command started, keeps it from starting), whose end is still waited for, so its exit code is what this
    // process reports. Any other end stops the sandbox at once.
    return yield* body.pipe(
      Effect.onExit((exit) =>
        Effect.promise(async () => {
          if (Exit.hasInterrupts(exit)) {
            const end = await run.ended.catch(() => ({ code: ExitCode.interrupted }))
            passThrough(end.code)
          }
          await run.finish()
        })
      )
    )
  })

const announce = (out: OutputApi, ready: SandboxReady, verbose: boolean) => {
  const namespace = ready.kind === "root" ? "network namespace (root)" : "user + network namespace"
  const admin = `admin API: --admin ${ready.adminUrl}`
  return verbose || process.stderr.isTTY === true
    ? out.note(`aliyun-imds sandbox: ${namespace}; metadata at http://100.100.100.200; ${admin}`)
    : Effect.void
}

export const sandbox = Command.make("sandbox", { ...sandboxFlags, command: commandArgument }, (flags) =>
  Effect.gen(function* () {
    const { ended } = yield* inSandbox({ flags, argv: process.argv, afterCommand: () => Effect.void })
    if (ended.code !== 0) return yield* fail(ended.code as ExitCode, "")
  })
).pipe(
  Command.withDescription(
    "Run a program where the emulator is http://100.100.100.200 (Linux network namespace); its exit code is the program's"
  ),
  Command.withExamples([
    {
      command: "aliyun-imds sandbox -- curl -s http://100.100.100.200/latest/meta-data/instance-id",
      description: "Any unmodified program reaches the emulator at the real address"
    },
    {
      command: "aliyun-imds sandbox --http-tokens required -- ./bootstrap.sh",
      description: "Rehearse forced hardened mode"
    },
    {
      command: "aliyun-imds sandbox --admin-socket /tmp/imds.sock -- ./agent",
      description:
        "Then from another terminal: aliyun-imds options set --http-tokens required --admin unix:/tmp/imds.sock"
    }
  ])
)
