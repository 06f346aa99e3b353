// The access-mode policy over the transport: token mode (re-token once on 401), normal mode, and `auto`, which
// falls back to normal mode only when the token endpoint is missing, refused or down and fallback is allowed.
import { Effect, Option } from "effect"
import type { ResolvedOptions } from "./Config.ts"
import {
  type AccessMode,
  Forbidden,
  type ImdsError,
  InvalidResponse,
  NotFound,
  ServerError,
  Unauthorized
} from "./Errors.ts"
import { makeTokenCache, type SessionToken, tokenHeader } from "./TokenCache.ts"
import type { Send, WireReply } from "./Transport.ts"

/** A successful (200) answer with the exact bytes and how they were obtained. */
export interface ImdsResponse {
  readonly path: string
  readonly status: number
  readonly body: Uint8Array
  readonly mode: AccessMode
  /** HTTP attempts of the metadata request itself (retries and a 401 re-try included; the token PUT excluded). */
  readonly attempts: number
}

export interface Requester {
  /** `path` is relative to `/latest/` (`meta-data/instance-id`) or absolute (`/2016-01-01/meta-data/`). */
  readonly request: (path: string) => Effect.Effect<ImdsResponse, ImdsError>
  /** GET with a token the caller holds: a 401 fails with Unauthorized, with no fresh token and no retry. */
  readonly requestWithToken: (path: string, token: string) => Effect.Effect<ImdsResponse, ImdsError>
  /** The cached session token, or a fresh one. */
  readonly session: Effect.Effect<SessionToken, ImdsError>
  /** The mode of the most recent successful request. */
  readonly lastMode: () => AccessMode | null
}

export const absolutePath = (path: string): string => (path.startsWith("/") ? path : `/latest/${path}`)

/** Statuses and errors that mean "this service has no usable token endpoint" rather than "something is wrong". */
const tokenUnavailable = (error: ImdsError): boolean =>
  error._tag === "Transport" ||
  error._tag === "ServerError" ||
  error.status === 403 ||
  error.status === 404 ||
  error.status === 405

const classify = (path: string, mode: AccessMode, reply: WireReply): Effect.Effect<ImdsResponse, ImdsError> => {
  const info = { path, mode, status: reply.status, attempts: reply.attempts }
  switch (reply.status) {
    case 200:
      return Effect.succeed({ ...info, body: reply.body })
    case 404:
      return Effect.fail(new NotFound(info))
    case 401:
      return Effect.fail(new Unauthorized(info))
    case 403:
      return Effect.fail(
        new Forbidden({ ...info, reason: mode === "normal" ? "normalModeRefused" : "endpointDisabled" })
      )
    default:
      return Effect.fail(new InvalidResponse({ ...info, detail: `status ${reply.status} is not part of the protocol` }))
  }
}

export const makeRequester = (send: Send, options: ResolvedOptions, now: Effect.Effect<number>): Requester => {
  const tokens = makeTokenCache(send, options, now)
  let last: AccessMode | null = null
  let normalUntil = Number.NEGATIVE_INFINITY

  const done = (response: ImdsResponse) => {
    last = response.mode
    return response
  }

  const normal = (path: string) =>
    Effect.flatMap(send({ method: "GET", path, headers: {}, mode: "normal" }), (reply) =>
      classify(path, "normal", reply)
    )

  const withToken = (path: string, token: string) =>
    send({ method: "GET", path, headers: { [tokenHeader]: token }, mode: "token" })

  /** A 401 means the token expired or was revoked: drop it, fetch a fresh one once, and try again once. */
  const tokenMode = (path: string, token: string) =>
    Effect.gen(function* () {
      const first = yield* withToken(path, token)
      if (first.status !== 401) return yield* classify(path, "token", first)
      yield* tokens.invalidate(token)
      const second = yield* withToken(path, yield* tokens.get)
      return yield* classify(path, "token", { ...second, attempts: first.attempts + second.attempts })
    })

  /** Why no fallback happened, appended to a failed token PUT's ServerError. */
  const noFallback =
    options.mode === "token"
      ? "Mode 'token' never falls back to normal mode; use mode 'auto' to allow that."
      : "Falling back to normal mode is disabled (ALIBABA_CLOUD_IMDSV1_DISABLED=true or fallback: false)."

  /** The token, or None when `auto` mode may (and should) go token-less. */
  const tokenOrFallback = Effect.gen(function* () {
    if (options.fallback && (yield* now) < normalUntil) return Option.none<string>()
    return yield* tokens.get.pipe(
      Effect.map(Option.some),
      Effect.catch((error): Effect.Effect<Option.Option<string>, ImdsError> => {
        if (options.fallback && tokenUnavailable(error)) {
          return Effect.map(now, (t) => {
            normalUntil = t + options.fallbackMemoryMs
            return Option.none<string>()
          })
        }
        if (error._tag !== "ServerError") return Effect.fail(error)
        const { path, status, attempts, mode } = error
        return Effect.fail(new ServerError({ path, status, attempts, mode, detail: noFallback }))
      })
    )
  })

  /** A 403 in fallback means the instance now requires tokens: stop remembering the fallback. */
  const fallbackNormal = (path: string) =>
    Effect.tapError(normal(path), (error) =>
      Effect.sync(() => {
        if (error._tag === "Forbidden") normalUntil = Number.NEGATIVE_INFINITY
      })
    )

  const request = (path: string): Effect.Effect<ImdsResponse, ImdsError> => {
    const absolute = absolutePath(path)
    if (options.mode === "normal") return Effect.map(normal(absolute), done)
    return Effect.flatMap(tokenOrFallback, (token) =>
      Option.isSome(token) ? tokenMode(absolute, token.value) : fallbackNormal(absolute)
    ).pipe(Effect.map(done))
  }

  const requestWithToken = (path: string, token: string): Effect.Effect<ImdsResponse, ImdsError> => {
    const absolute = absolutePath(path)
    return Effect.flatMap(withToken(absolute, token), (reply) => classify(absolute, "token", reply)).pipe(
      Effect.map(done)
    )
  }

  return { request, requestWithToken, session: tokens.session, lastMode: () => last }
}
