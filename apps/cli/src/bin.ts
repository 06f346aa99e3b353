// The `aliyun-imds` executable: the one place that picks platform layers (Node services, fetch) and turns how a run
// ended into an exit code and at most one line on stderr. `bin/aliyun-imds.js` imports this file.
import { readFileSync } from "node:fs"
import * as NodeServices from "@effect/platform-node/NodeServices"
import { Console, Effect, Exit, Layer, Runtime } from "effect"
import { CliConfig, CliOutput, Command, GlobalFlag } from "effect/cli"
import { FetchHttpClient } from "effect/http"
import { childHoldsSignals } from "./ChildProcess.ts"
import { cli } from "./Cli.ts"
import { ExitCode, outcomeOf, passedThroughCode } from "./ExitCodes.ts"
import { makePresenter, programName } from "./Help.ts"
import { Output, red } from "./Output.ts"
import { binaryVersion, sandboxInnerMarker } from "./SingleFile.ts"

const argv = process.argv.slice(2)
// The single-file binary has no package.json beside it: its version is baked in.
const version =
  binaryVersion ??
  (JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version: string }).version

/** `--log-level debug` (or trace/all) also turns on stack traces for unexpected errors. */
const debug = argv.some(
  (arg, i) =>
    /^--log-level=(debug|trace|all)$/.test(arg) ||
    (arg === "--log-level" && /^(debug|trace|all)$/.test(argv[i + 1] ?? ""))
)
/** serve, --watch and --follow run until Ctrl-C / SIGTERM; for them that is a normal end (0), for others 130. */
const runsUntilSignal = argv.includes("serve") || argv.some((arg) => ["--watch", "-w", "--follow", "-f"].includes(arg))
const colorOk = process.env.NO_COLOR === undefined && process.env.TERM !== "dumb"
const stderrColor = colorOk && process.stderr.isTTY === true

const layer = Layer.mergeAll(
  Output.layer,
  // Every command is scriptable with flags alone; the interactive wizard is left out.
  CliConfig.layer({ builtIns: GlobalFlag.BuiltIns.filter((flag) => flag !== GlobalFlag.Wizard) }),
  FetchHttpClient.layer,
  CliOutput.layerPresenter(makePresenter({ stdoutColor: colorOk && process.stdout.isTTY === true, stderrColor }))
).pipe(Layer.provideMerge(NodeServices.layer))

const program = Command.runWith(cli, { version })(argv).pipe(
  Effect.exit,
  Effect.flatMap((exit) => {
    const { exitCode, message } = outcomeOf(exit, debug)
    const say = message === null ? Effect.void : Console.error(`${red(stderrColor, `${programName}:`)} ${message}`)
    return Effect.as(say, exitCode)
  }),
  Effect.provide(layer)
)

/**
 * NodeRuntime.runMain, except for a signal that arrives while a child process runs (`exec`): the child runner passes
 * it on, and the run ends when the child does, with the child's exit code, instead of being interrupted.
 */
const runMain = Runtime.makeRunMain(({ fiber, teardown }) => {
  let receivedSignal = false
  const onSignal = () => {
    if (childHoldsSignals()) return
    receivedSignal = true
    fiber.interruptUnsafe(fiber.id)
  }
  fiber.addObserver((exit) => {
    process.removeListener("SIGINT", onSignal)
    process.removeListener("SIGTERM", onSignal)
    teardown(exit, (code) => {
      if (receivedSignal || code !== 0) process.exit(code)
    })
  })
  process.on("SIGINT", onSignal)
  process.on("SIGTERM", onSignal)
})

// The single-file binary re-invokes itself as the sandbox's inside (it has no inner script to launch).
if (argv[0] === sandboxInnerMarker) await import("./sandbox/inner.ts")
else
  runMain(program, {
    disableErrorReporting: true,
    // Interrupted by Ctrl-C / SIGTERM (every finaliser has run by now; a command that ran another recorded its code),
    // or the code the run computed.
    teardown: (exit, onExit) =>
      onExit(
        Exit.isSuccess(exit) && typeof exit.value === "number"
          ? exit.value
          : (passedThroughCode() ?? (runsUntilSignal ? ExitCode.ok : ExitCode.interrupted))
      )
  })
