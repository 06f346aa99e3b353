// Flags shared by many commands (client side: --endpoint --mode --ttl; admin side: --admin --admin-token
// --instance; everywhere: --json) and the helper that runs an admin operation with its errors put into one line.

import type { AdminClient as AdminApi, AdminError } from "@aliyun-imds/client/admin"
import { Config, ConfigProvider, Effect, Option } from "effect"
import { Command, Flag } from "effect/cli"
import { FetchHttpClient, HttpClient } from "effect/http"
import { type CliFailure, ExitCode, fail, usageError } from "../ExitCodes.ts"
import { Output, type OutputApi } from "../Output.ts"

export type { AdminApi }

export const defaultEndpoint = "http://127.0.0.1:8100"
export const defaultAdmin = "http://127.0.0.1:8101"

/**
 * Where a client command looks when no flag says: its own variable (a URL), else the port variable `serve` listens
 * on (ALIYUN_IMDS_PORT…), on 127.0.0.1, else the default. So an emulator moved with either variable is found.
 */
export interface EndpointSource {
  readonly urlVariable: string
  readonly portVariable: string
  readonly fallback: string
}

export const metadataSource: EndpointSource = {
  urlVariable: "ALIBABA_CLOUD_IMDS_ENDPOINT",
  portVariable: "ALIYUN_IMDS_PORT",
  fallback: defaultEndpoint
}
export const adminSource: EndpointSource = {
  urlVariable: "ALIYUN_IMDS_ADMIN_URL",
  portVariable: "ALIYUN_IMDS_ADMIN_PORT",
  fallback: defaultAdmin
}

/** The variables of `source` as one Config: the URL variable, else http://127.0.0.1:<port variable>, with its origin. */
const endpointFrom = (source: EndpointSource) =>
  Config.String(source.urlVariable).pipe(
    Config.map((url) => ({ url, from: source.urlVariable })),
    Config.orElse(() =>
      Config.Port(source.portVariable).pipe(
        Config.map((port: number) => ({ url: `http://127.0.0.1:${port}`, from: source.portVariable }))
      )
    )
  )

const endpointConfig = (source: EndpointSource) => endpointFrom(source).pipe(Config.map(({ url }) => url))

/** What the environment resolves to now, for --help: the URL and the variable it came from, or the default. */
export const resolvedEndpoint = (source: EndpointSource, env: NodeJS.ProcessEnv = process.env): string =>
  Effect.runSync(
    endpointFrom(source)
      .parse(ConfigProvider.fromEnv({ env: env as Record<string, string> }))
      .pipe(
        Effect.map(({ url, from }) => `${url} from ${from}`),
        Effect.orElseSucceed(() => source.fallback)
      )
  )

const endpointHelp = (what: string, source: EndpointSource) =>
  `${what} (env ${source.urlVariable}, else http://127.0.0.1:$${source.portVariable} as serve uses it; ` +
  `now: ${resolvedEndpoint(source)})`

export const json = Flag.Boolean("json").pipe(
  Flag.withDescription("Print JSON instead of text (for scripts)"),
  Flag.withDefault(false)
)

export const imdsFlags = {
  endpoint: Flag.String("endpoint").pipe(
    Flag.withDescription(endpointHelp("Metadata service URL", metadataSource)),
    Flag.withFallbackConfig(endpointConfig(metadataSource)),
    Flag.withDefault(defaultEndpoint)
  ),
  mode: Flag.Literals("mode", ["token", "normal", "auto"]).pipe(
    Flag.withDescription("token: hardened mode (default); normal: no token; auto: token, else fall back to normal"),
    Flag.withDefault("token")
  ),
  ttl: Flag.Int("ttl").pipe(
    Flag.withDescription("Token lifetime to ask for, 1..21600 seconds (default 21600)"),
    Flag.filter(
      (n) => n >= 1 && n <= 21_600,
      () => "a whole number of seconds, 1..21600"
    ),
    Flag.withDefault(21_600)
  ),
  json
} as const

export const adminFlags = {
  admin: Flag.String("admin").pipe(
    Flag.withDescription(endpointHelp("Admin API URL or unix:SOCKET", adminSource)),
    Flag.withFallbackConfig(endpointConfig(adminSource)),
    Flag.withDefault(defaultAdmin)
  ),
  adminToken: Flag.String("admin-token").pipe(
    Flag.withDescription("Bearer token of the admin API (env ALIYUN_IMDS_ADMIN_TOKEN)"),
    Flag.withFallbackConfig(Config.String("ALIYUN_IMDS_ADMIN_TOKEN")),
    Flag.optional
  ),
  json
} as const

export const instanceFlag = Flag.String("instance").pipe(
  Flag.withDescription('Instance id, or "default" for the fleet\'s default instance'),
  Flag.withDefault("default")
)

export interface AdminFlags {
  readonly admin: string
  readonly adminToken: Option.Option<string>
}

const hints: Readonly<Record<string, string>> = {
  "InvalidInstanceId.NotFound": "; list the instances with 'aliyun-imds instances list'",
  "InvalidRamRole.NotAttached": "; attach one with 'aliyun-imds role attach NAME'",
  "InvalidFaultId.NotFound": "; list the rules with 'aliyun-imds faults list'",
  "InvalidAction.NotFound": "; is --admin the admin listener (not the metadata one)?"
}

/** Where the admin API is: an http(s) URL, or a Unix socket (`unix:PATH`) reached as `http://localhost`. */
export interface AdminEndpoint {
  readonly url: string
  readonly socket: string | null
}

/** `host:port` gets `http://`; `unix:PATH` names a socket; anything else that is not an http(s) URL is a usage error. */
export const adminEndpoint = (raw: string): Effect.Effect<AdminEndpoint, CliFailure> => {
  if (raw.startsWith("unix:")) {
    const socket = raw.slice("unix:".length)
    return socket === ""
      ? Effect.fail(usageError("--admin unix: needs the socket's path, e.g. --admin unix:/tmp/aliyun-imds.sock"))
      : Effect.succeed({ url: "http://localhost", socket })
  }
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(raw) ? raw : `http://${raw}`
  const url = URL.canParse(withScheme) ? new URL(withScheme) : null
  return url !== null && (url.protocol === "http:" || url.protocol === "https:")
    ? Effect.succeed({ url: withScheme.replace(/\/+$/, ""), socket: null })
    : Effect.fail(
        usageError(
          `--admin ${JSON.stringify(raw)} is neither an http(s) URL nor unix:PATH; e.g. --admin http://127.0.0.1:8101`
        )
      )
}

/** One line and an exit code for an admin API failure. */
export const describeAdminError = (error: AdminError): CliFailure => {
  switch (error._tag) {
    case "AdminUnreachable":
      return fail(
        ExitCode.runtime,
        `cannot reach the admin API at ${error.url} (${error.detail}): start the emulator with 'aliyun-imds serve', ` +
          "or pass --admin URL (or set ALIYUN_IMDS_ADMIN_URL, or serve's ALIYUN_IMDS_ADMIN_PORT)"
      )
    case "AdminInvalidResponse":
      return fail(ExitCode.runtime, `${error.url} did not answer like the aliyun-imds admin API: ${error.detail}`)
    case "AdminRequestFailed":
      if (error.status === 401) {
        return fail(
          ExitCode.refused,
          "the admin API refused the request (401): pass the server's token with --admin-token " +
            "(or set ALIYUN_IMDS_ADMIN_TOKEN)"
        )
      }
      return fail(
        error.status === 404 ? ExitCode.notFound : error.status === 400 ? ExitCode.usage : ExitCode.runtime,
        `${error.detail.replace(/\.$/, "")} (${error.status} ${error.code})${hints[error.code] ?? ""}`
      )
  }
}

/** Runs `use` against the admin API named by the flags. */
export const withAdmin = <A, R>(
  flags: AdminFlags,
  use: (api: AdminApi) => Effect.Effect<A, AdminError | CliFailure, R>
): Effect.Effect<A, CliFailure, HttpClient.HttpClient | R> =>
  Effect.gen(function* () {
    const endpoint = yield* adminEndpoint(flags.admin)
    // Loaded on first use: the typed client carries the contract's Schemas, which pull in the core.
    const { makeAdminClient } = yield* Effect.promise(() => import("@aliyun-imds/client/admin"))
    const token = Option.getOrUndefined(flags.adminToken)
    const api = (http: HttpClient.HttpClient) => makeAdminClient(http, { url: endpoint.url, token })
    if (endpoint.socket === null) return yield* use(api(yield* HttpClient.HttpClient))
    // A Unix socket: a client whose connections go there, alive for as long as `use` runs. Errors name the
    // socket, not the placeholder host the requests carry.
    const where = `unix:${endpoint.socket}`
    // The client's own node:http fetch, not undici's: it runs in the single-file binary (where Bun's bundle of
    // @effect/platform-node's undici client fails to load) and keeps the npm bundle small.
    const { unixSocketFetch } = yield* Effect.promise(() => import("@aliyun-imds/client"))
    return yield* Effect.gen(function* () {
      return yield* use({ ...api(yield* HttpClient.HttpClient), url: where })
    }).pipe(
      Effect.mapError((e) =>
        e._tag === "AdminUnreachable" || e._tag === "AdminInvalidResponse" ? { ...e, url: where } : e
      ),
      Effect.provide(FetchHttpClient.layer),
      Effect.provideService(FetchHttpClient.Fetch, unixSocketFetch(endpoint.socket))
    )
  }).pipe(Effect.mapError((e) => (e._tag === "CliFailure" ? e : describeAdminError(e))))

/** An admin command: its own flags plus --admin --admin-token --json, run against the admin API. */
export const adminCommand = <const Name extends string, const Config extends Command.Command.Config, R = never>(
  name: Name,
  config: Config,
  run: (
    flags: Command.Command.Config.Infer<Config & typeof adminFlags>,
    api: AdminApi,
    out: OutputApi
  ) => Effect.Effect<void, AdminError | CliFailure, R>
) =>
  Command.make(name, { ...config, ...adminFlags }, (flags) =>
    // The generic spread hides the admin keys from the checker; they are there by construction.
    Output.use((out) => withAdmin(flags as unknown as AdminFlags, (api) => run(flags, api, out)))
  )

/** Exactly one of two optional flags, or `fallback` when neither is given. */
export const oneOf = <A>(
  names: readonly [string, string],
  first: Option.Option<A>,
  second: Option.Option<A>
): Effect.Effect<Option.Option<readonly [0 | 1, A]>, CliFailure> => {
  if (Option.isSome(first) && Option.isSome(second)) {
    return Effect.fail(usageError(`give either --${names[0]} or --${names[1]}, not both`))
  }
  if (Option.isSome(first)) return Effect.succeed(Option.some([0, first.value] as const))
  if (Option.isSome(second)) return Effect.succeed(Option.some([1, second.value] as const))
  return Effect.succeed(Option.none())
}
