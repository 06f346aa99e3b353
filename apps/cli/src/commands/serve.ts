// `aliyun-imds serve`: start the emulator (metadata + admin listeners), print both URLs and the default instance,
// and stop gracefully on Ctrl-C / SIGTERM. `--runtime bun` re-runs the same command line under Bun.
import type { LogLevel as ServerLogLevel, ServerOptions } from "@aliyun-imds/server"
import { Effect, Stdio } from "effect"
import { Command, Flag, GlobalFlag } from "effect/cli"
import { cyan, dim, Output } from "../Output.ts"
import { isBun, reexecUnderBun } from "./bunRuntime.ts"
import { serverLogLevel, startEmulator } from "./emulator.ts"
// The flag table only: the server itself is loaded when `serve` runs, so other commands do not pay for it.
import { serveFlagSet, serverOptionsOf } from "./serveOptions.ts"
import { json } from "./shared.ts"

const flags = {
  ...serveFlagSet(),
  runtime: Flag.Literals("runtime", ["node", "bun"]).pipe(
    Flag.withDescription("Serve on Node (default) or on Bun (the npm 'bun' package)"),
    Flag.withDefault("node")
  ),
  json
} as const

type Flags = Command.Command.Config.Infer<typeof flags>

const optionsOf = (f: Flags, logLevel: ServerLogLevel): ServerOptions => ({ ...serverOptionsOf(f), logLevel })

/** The web console lives at the admin listener's root; a browser cannot open one on a Unix socket. */
const consoleUrlOf = (adminUrl: string): string | null => (adminUrl.startsWith("http") ? adminUrl : null)

const serveHere = (f: Flags) =>
  Effect.gen(function* () {
    const out = yield* Output
    const server = yield* startEmulator(optionsOf(f, serverLogLevel(yield* GlobalFlag.LogLevel, "info")))
    if (f.json) {
      const key = server.ecsUrl === null ? undefined : server.ecsAccessKeys[0]
      yield* out.jsonLine({
        runtime: server.runtime,
        metadataUrl: server.dataUrl,
        adminUrl: server.adminUrl,
        consoleUrl: consoleUrlOf(server.adminUrl),
        ecsUrl: server.ecsUrl,
        accessKeyId: key?.accessKeyId ?? null,
        accessKeySecret: key?.accessKeySecret ?? null,
        defaultInstanceId: server.defaultInstanceId
      })
    } else {
      const key = server.ecsAccessKeys[0]
      const ecs =
        server.ecsUrl === null || key === undefined
          ? ""
          : `\n  ecs:      ${server.ecsUrl}  AccessKeyId ${key.accessKeyId}  AccessKeySecret ${key.accessKeySecret}`
      const webConsole = consoleUrlOf(server.adminUrl)
      yield* out.line(
        `aliyun-imds (${server.runtime}) serving instance ${server.defaultInstanceId}\n` +
          `  metadata: ${server.dataUrl}\n  admin:    ${server.adminUrl}${ecs}` +
          (webConsole === null ? "" : `\n  console:  ${webConsole}/`)
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
  Command.withDescription("Start the emulator: a metadata listener, an admin listener and an ECS API listener"),
  Command.withExamples([
    {
      command: "aliyun-imds serve",
      description: "One generated instance on :8100, admin API on :8101, ECS API on :8102"
    },
    { command: "aliyun-imds serve --config fleet.yaml --http-tokens required", description: "A fleet, hardened" },
    {
      command: "aliyun-imds serve --port 0 --admin-port 0 --ecs-port 0 --json",
      description: "Free ports, URLs as JSON"
    }
  ])
)
