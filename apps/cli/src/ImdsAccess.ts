// The client-side commands' link to a metadata service: the SDK (`@aliyun-imds/client`) configured from the shared
// flags, plus the two things its public API keeps inside — fetching a token to print, and a GET with a token the
// user saved earlier (no silent re-token) — and every SDK failure put into one line with its exit code. The SDK is
// loaded on first use, so commands that do not need it start faster.
import type { ImdsClientApi, ImdsError, ImdsMode, InvalidOptions } from "@aliyun-imds/client"
import { Clock, Effect } from "effect"
import { FetchHttpClient, HttpClient } from "effect/http"
import { type CliFailure, ExitCode, fail } from "./ExitCodes.ts"

export interface ImdsFlags {
  readonly endpoint: string
  readonly mode: ImdsMode
  readonly ttl: number
}

const sdk = Effect.promise(() =>
  Promise.all([
    import("@aliyun-imds/client"),
    import("@aliyun-imds/client/TokenCache"),
    import("@aliyun-imds/client/Transport")
  ]).then(([client, tokens, transport]) => ({ ...client, ...tokens, ...transport }))
)

const optionsOf = (flags: ImdsFlags) => ({
  endpoint: flags.endpoint,
  mode: flags.mode,
  tokenTtlSeconds: flags.ttl
})

const forbiddenHint = {
  normalModeRefused:
    "this instance requires tokens (HttpTokens=required); use --mode token (the default) or --mode auto, " +
    "or allow normal mode with 'aliyun-imds options set --http-tokens optional'",
  endpointDisabled:
    "the metadata endpoint of this instance is disabled (HttpEndpoint=disabled); enable it with " +
    "'aliyun-imds options set --http-endpoint enabled'",
  tokenRequestRefused:
    "the token request was refused: the endpoint is disabled (HttpEndpoint=disabled) or a proxy added " +
    "X-Forwarded-For; enable it with 'aliyun-imds options set --http-endpoint enabled' and call it directly"
} as const

const tokenRefused = (path: string) =>
  `the token was refused (401) on ${path}: it expired, was revoked or belongs to another instance; ` +
  "get a fresh one with 'aliyun-imds token'"

/** One line and an exit code for anything the SDK can fail with. */
export const describeImdsError = (endpoint: string, error: ImdsError | InvalidOptions): CliFailure => {
  switch (error._tag) {
    case "InvalidOptions":
      return fail(ExitCode.usage, `invalid ${error.field}: ${error.detail}`)
    case "Transport":
      return fail(
        ExitCode.runtime,
        `cannot reach the metadata service at ${endpoint} (${error.cause.replace(/^fetch failed \((.+)\)$/, "$1")}): ` +
          "start one with 'aliyun-imds serve', " +
          "or point --endpoint (or ALIBABA_CLOUD_IMDS_ENDPOINT) at a running one"
      )
    case "Timeout":
      return fail(
        ExitCode.runtime,
        `no answer from ${endpoint} for ${error.path} within ${error.timeoutMs} ms: check --endpoint and that the ` +
          "service is not black-holed by a fault rule ('aliyun-imds faults list')"
      )
    case "Forbidden":
      return fail(
        ExitCode.refused,
        `refused (403) on ${error.path} in ${error.mode} mode: ${forbiddenHint[error.reason]}`
      )
    case "Unauthorized":
      return fail(ExitCode.refused, tokenRefused(error.path))
    case "NotFound":
      return fail(
        ExitCode.notFound,
        error.detail ??
          `${error.path} does not exist on this instance (404); list what does with 'aliyun-imds get meta-data/'`
      )
    case "Throttled":
      return fail(
        ExitCode.runtime,
        `throttled (429) on ${error.path} after ${error.attempts} attempts; lift the limit with 'aliyun-imds throttle clear'`
      )
    case "ServerError":
      return fail(ExitCode.runtime, `the metadata service failed with ${error.status} on ${error.path}; retry later`)
    case "InvalidResponse":
      return fail(ExitCode.runtime, `unexpected answer for ${error.path} (status ${error.status}): ${error.detail}`)
  }
}

const mapErrors = (flags: ImdsFlags) =>
  Effect.mapError((e: ImdsError | InvalidOptions | CliFailure) =>
    e._tag === "CliFailure" ? e : describeImdsError(flags.endpoint, e)
  )

/** The SDK reads ALIBABA_CLOUD_IMDS_ENDPOINT and ALIBABA_CLOUD_IMDSV1_DISABLED through Config. */
const badEnvironment = (e: { readonly message: string }) =>
  Effect.fail(fail(ExitCode.usage, `bad environment: ${e.message}`))

/** Runs `use` with an SDK client configured from the flags (endpoint, mode, token TTL). */
export const withClient = <A>(
  flags: ImdsFlags,
  use: (client: ImdsClientApi) => Effect.Effect<A, ImdsError | InvalidOptions>
): Effect.Effect<A, CliFailure> =>
  Effect.flatMap(sdk, ({ ImdsClient }) =>
    ImdsClient.use(use).pipe(Effect.provide(ImdsClient.layer(optionsOf(flags))))
  ).pipe(Effect.catchTag("ConfigError", badEnvironment), mapErrors(flags))

/** The SDK's transport (retries, deadlines) over fetch, with validated options. */
const transport = (flags: ImdsFlags) =>
  Effect.gen(function* () {
    const { loadOptions, makeSend, makeTokenCache, tokenHeader } = yield* sdk
    const options = yield* loadOptions({ ...optionsOf(flags), mode: "token" })
    const http = yield* HttpClient.HttpClient
    return { options, send: makeSend(http, options), makeTokenCache, tokenHeader }
  }).pipe(Effect.provide(FetchHttpClient.layer))

export interface IssuedToken {
  readonly token: string
  readonly ttlSeconds: number
  /** Epoch ms by this machine's clock (the service's virtual clock may differ). */
  readonly expiresAt: number
}

/** `PUT /latest/api/token` once, as the SDK does it (403/404 classified), returning the token itself. */
export const issueToken = (flags: ImdsFlags): Effect.Effect<IssuedToken, CliFailure> =>
  Effect.gen(function* () {
    const { options, send, makeTokenCache } = yield* transport(flags)
    const asked = yield* Clock.currentTimeMillis
    const token = yield* makeTokenCache(send, options, Clock.currentTimeMillis).get
    return { token, ttlSeconds: options.tokenTtlSeconds, expiresAt: asked + options.tokenTtlSeconds * 1000 }
  }).pipe(Effect.catchTag("ConfigError", badEnvironment), mapErrors(flags))

export interface Body {
  readonly path: string
  readonly body: Uint8Array
  readonly mode: "token" | "normal"
  readonly attempts: number
}

const absolute = (path: string) => (path.startsWith("/") ? path : `/latest/${path}`)

/** A GET with a token the caller already holds: a 401 is reported, never papered over with a fresh token. */
export const getWithToken = (flags: ImdsFlags, path: string, token: string): Effect.Effect<Body, CliFailure> =>
  Effect.gen(function* () {
    const { send, tokenHeader } = yield* transport(flags)
    const full = absolute(path)
    const reply = yield* send({ method: "GET", path: full, headers: { [tokenHeader]: token }, mode: "token" })
    const at = { path: full, attempts: reply.attempts }
    switch (reply.status) {
      case 200:
        return { ...at, body: reply.body, mode: "token" as const }
      case 401:
        return yield* fail(ExitCode.refused, tokenRefused(full))
      case 403:
        return yield* fail(ExitCode.refused, `refused (403) on ${full}: ${forbiddenHint.endpointDisabled}`)
      case 404:
        return yield* fail(ExitCode.notFound, `${full} does not exist on this instance (404)`)
      default:
        return yield* fail(ExitCode.runtime, `unexpected status ${reply.status} for ${full}`)
    }
  }).pipe(Effect.catchTag("ConfigError", badEnvironment), mapErrors(flags))
