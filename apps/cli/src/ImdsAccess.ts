// The client-side commands' link to a metadata service: the SDK (`@aliyun-imds/client`) configured from the shared
// flags, and every SDK failure put into one line with its exit code. The SDK is loaded on first use, so commands
// that do not need it start faster.
import type {
  ImdsClientApi,
  ImdsError,
  ImdsMode,
  ImdsResponse,
  InvalidOptions,
  SessionToken
} from "@aliyun-imds/client"
import { Effect } from "effect"
import { type CliFailure, ExitCode, fail } from "./ExitCodes.ts"

export interface ImdsFlags {
  readonly endpoint: string
  readonly mode: ImdsMode
  readonly ttl: number
}

const sdk = Effect.promise(() => import("@aliyun-imds/client"))

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
          "or point --endpoint (or ALIBABA_CLOUD_IMDS_ENDPOINT, or serve's ALIYUN_IMDS_PORT) at a running one"
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

/** `PUT /latest/api/token` once, as the SDK does it (403/404 classified), returning the token itself. */
export const issueToken = (flags: ImdsFlags): Effect.Effect<SessionToken, CliFailure> =>
  withClient({ ...flags, mode: "token" }, (client) => client.token)

export type Body = ImdsResponse

/** A GET with a token the caller already holds: a 401 is reported, never papered over with a fresh token. */
export const getWithToken = (flags: ImdsFlags, path: string, token: string): Effect.Effect<Body, CliFailure> =>
  withClient(flags, (client) => client.getWithToken(path, token))
