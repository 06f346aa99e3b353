// `aliyun-imds serve`: start the emulator (metadata + admin listeners), print both URLs and the default instance,
// and stop gracefully on Ctrl-C / SIGTERM. `--runtime bun` re-runs the same command line under Bun.
import type { LogLevel as ServerLogLevel, ServerOptions } from "@aliyun-imds/server"
// The flag table only: the server itself is loaded when `serve` runs, so other commands do not pay for it.
import { type ServeFlag, serveFlagHelp, serveFlags } from "@aliyun-imds/server/ServeFlags"
import { Config, Effect, type LogLevel, Option, Stdio } from "effect"
import { Command, Flag, GlobalFlag } from "effect/cli"
import { ExitCode, fail } from "../ExitCodes.ts"
import { cyan, dim, Output } from "../Output.ts"
import { isBun, reexecUnderBun } from "./bunRuntime.ts"
import { json } from "./shared.ts"

type Spec<K extends ServeFlag["kind"]> = Extract<ServeFlag, { kind: K }>

/** A text flag of the serve table: its variable as fallback, then its default, or optional without one. */
const text = (spec: Spec<"text">) => {
  const flag = Flag.String(spec.flag).pipe(Flag.withDescription(serveFlagHelp(spec)))
  const withEnv = spec.env === undefined ? flag : flag.pipe(Flag.withFallbackConfig(Config.String(spec.env)))
  return withEnv.pipe(Flag.optional)
}

const port = (spec: Spec<"port">) =>
  Flag.Int(spec.flag).pipe(
    Flag.withDescription(serveFlagHelp(spec)),
    Flag.withFallbackConfig(Config.Int(spec.env ?? spec.flag)),
    Flag.filter(
      (n) => n >= 0 && n <= 65_535,
      () => "a port number 0..65535 (0 picks a free port)"
    ),
    Flag.withDefault(spec.default)
  )

const choice = <const L extends ReadonlyArray<string>>(spec: Spec<"choice"> & { readonly values: L }) =>
  Flag.Literals(spec.flag, spec.values).pipe(Flag.withDescription(serveFlagHelp(spec)), Flag.optional)

const withDefault = (spec: Spec<"text">) =>
  Flag.String(spec.flag).pipe(Flag.withDescription(serveFlagHelp(spec)), Flag.withDefault(spec.default ?? ""))

const flags = {
  host: withDefault(serveFlags.host),
  port: port(serveFlags.port),
  adminHost: withDefault(serveFlags.adminHost),
  adminPort: port(serveFlags.adminPort),
  adminToken: text(serveFlags.adminToken),
  config: text(serveFlags.configPath),
  seed: text(serveFlags.seed),
  identity: text(serveFlags.identityPath),
  httpTokens: choice(serveFlags.httpTokens),
  httpEndpoint: choice(serveFlags.httpEndpoint),
  attribute: choice(serveFlags.attribute),
  runtime: Flag.Literals("runtime", ["node", "bun"]).pipe(
    Flag.withDescription("Serve on Node (default) or on Bun (the npm 'bun' package)"),
    Flag.withDefault("node")
  ),
  json
} as const

type Flags = Command.Command.Config.Infer<typeof flags>

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

const serverLogLevel = (level: Option.Option<LogLevel.LogLevel>): ServerLogLevel =>
  Option.match(level, { onNone: () => "info", onSome: (l) => levels[l] })

const optionsOf = (f: Flags, logLevel: ServerLogLevel): ServerOptions => ({
  host: f.host,
  port: f.port,
  adminHost: f.adminHost,
  adminPort: f.adminPort,
  logLevel,
  ...Option.match(f.adminToken, { onNone: () => ({}), onSome: (adminToken) => ({ adminToken }) }),
  ...Option.match(f.config, { onNone: () => ({}), onSome: (configPath) => ({ configPath }) }),
  ...Option.match(f.seed, { onNone: () => ({}), onSome: (seed) => ({ seed }) }),
  ...Option.match(f.identity, { onNone: () => ({}), onSome: (identityPath) => ({ identityPath }) }),
  ...Option.match(f.httpTokens, { onNone: () => ({}), onSome: (httpTokens) => ({ httpTokens }) }),
  ...Option.match(f.httpEndpoint, { onNone: () => ({}), onSome: (httpEndpoint) => ({ httpEndpoint }) }),
  ...Option.match(f.attribute, { onNone: () => ({}), onSome: (attribute) => ({ attribute }) })
})

const startupFailure = (error: unknown) => {
  const name = error instanceof Error ? error.name : ""
  if (name === "FleetLoadError" && error instanceof Error) {
    const hint = error.message.startsWith("cannot read")
      ? "check the --config path, or write a sample with 'aliyun-imds init --output FILE'"
      : "fix the file (its schema: 'aliyun-imds schema'; a valid sample: 'aliyun-imds init')"
    return fail(ExitCode.runtime, `${error.message}; ${hint}`)
  }
  if (name === "StartupError" && error instanceof Error) {
    const hint = /EADDRINUSE/.test(error.message)
      ? "; is another emulator running? pick other ports with --port / --admin-port (0 = any free port)"
      : ""
    return fail(ExitCode.runtime, `${error.message}${hint}`)
  }
  return fail(ExitCode.runtime, `cannot start the emulator: ${error instanceof Error ? error.message : String(error)}`)
}

const serveHere = (f: Flags) =>
  Effect.gen(function* () {
    const out = yield* Output
    const logLevel = serverLogLevel(yield* GlobalFlag.LogLevel)
    // Loaded here, not at the top, so client and admin commands do not pay for the server's start-up.
    const { startServer } = yield* Effect.promise(() => import("@aliyun-imds/server"))
    const server = yield* Effect.acquireRelease(
      Effect.tryPromise({ try: () => startServer(optionsOf(f, logLevel)), catch: startupFailure }),
      (s) => Effect.promise(() => s.stop())
    )
    if (f.json) {
      yield* out.jsonLine({
        runtime: server.runtime,
        metadataUrl: server.dataUrl,
        adminUrl: server.adminUrl,
        defaultInstanceId: server.defaultInstanceId
      })
    } else {
      yield* out.line(
        `aliyun-imds (${server.runtime}) serving instance ${server.defaultInstanceId}\n` +
          `  metadata: ${server.dataUrl}\n  admin:    ${server.adminUrl}`
      )
      if (out.isTty) {
        const endpoint = server.port === 8100 && server.host === "127.0.0.1" ? "" : ` --endpoint ${server.dataUrl}`
        yield* out.line(dim(out.color, `try:  ${cyan(out.color, `aliyun-imds get meta-data/instance-id${endpoint}`)}`))
        yield* out.line(dim(out.color, "stop: Ctrl-C"))
      }
    }
    return yield* Effect.never
  }).pipe(Effect.scoped)

export const serve = Command.make("serve", flags, (f) =>
  Effect.gen(function* () {
    if (f.runtime === "bun" && !isBun()) {
      const stdio = yield* Stdio.Stdio
      return yield* reexecUnderBun(process.argv[1] ?? "", yield* stdio.args)
    }
    return yield* serveHere(f)
  })
).pipe(
  Command.withDescription("Start the emulator: a metadata listener and an admin listener"),
  Command.withExamples([
    { command: "aliyun-imds serve", description: "One generated instance on :8100, admin API on :8101" },
    { command: "aliyun-imds serve --config fleet.yaml --http-tokens required", description: "A fleet, hardened" },
    { command: "aliyun-imds serve --port 0 --admin-port 0 --json", description: "Free ports, URLs as JSON" }
  ])
)
