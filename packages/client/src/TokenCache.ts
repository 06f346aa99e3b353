// The hardened-mode session token: fetched with `PUT /latest/api/token`, cached until a margin before it expires,
// fetched once for any number of concurrent callers, and dropped when the service answers 401.
import { Effect } from "effect"
import type { ResolvedOptions } from "./Config.ts"
import { Forbidden, type ImdsError, InvalidResponse, NotFound } from "./Errors.ts"
import { makeSingleFlight } from "./SingleFlight.ts"
import type { Send } from "./Transport.ts"

export const tokenPath = "/latest/api/token"
export const ttlHeader = "x-aliyun-ecs-metadata-token-ttl-seconds"
export const tokenHeader = "x-aliyun-ecs-metadata-token"

/** A session token and when it expires, by the client's clock (read just before the token was asked for). */
export interface SessionToken {
  readonly token: string
  readonly ttlSeconds: number
  /** Epoch ms. */
  readonly expiresAt: number
}

export interface TokenCache {
  /** A valid token: the cached one, or a fresh one shared with every concurrent caller. */
  readonly get: Effect.Effect<string, ImdsError>
  /** The same token with its lifetime. */
  readonly session: Effect.Effect<SessionToken, ImdsError>
  /** Forgets `token` if it is still the cached one (another caller may already have replaced it). */
  readonly invalidate: (token: string) => Effect.Effect<void>
}

interface Cached extends SessionToken {
  readonly refreshAt: number
}

/** Tokens go straight into a header, so anything but printable ASCII without spaces is refused. */
const validToken = /^[\x21-\x7e]{1,4096}$/

export const makeTokenCache = (
  send: Send,
  options: Pick<ResolvedOptions, "tokenTtlSeconds" | "tokenRefreshMarginMs">,
  now: Effect.Effect<number>
): TokenCache => {
  let cached: Cached | null = null
  const flight = makeSingleFlight<Cached, ImdsError>()
  const base = { path: tokenPath, mode: "token" } as const

  const fetchToken = Effect.gen(function* () {
    // Read the clock before asking, so the token is considered expired no later than the service thinks.
    const asked = yield* now
    const reply = yield* send({
      method: "PUT",
      path: tokenPath,
      headers: { [ttlHeader]: String(options.tokenTtlSeconds) },
      mode: "token"
    })
    const info = { ...base, status: reply.status, attempts: reply.attempts }
    if (reply.status === 403) return yield* new Forbidden({ ...info, reason: "tokenRequestRefused" })
    if (reply.status === 404) {
      const detail =
        `the token endpoint ${tokenPath} does not exist (404): this metadata service predates hardened mode; ` +
        "use mode 'auto' or 'normal'"
      return yield* new NotFound({ ...info, detail })
    }
    if (reply.status !== 200) {
      return yield* new InvalidResponse({ ...info, detail: `the token request was answered with ${reply.status}` })
    }
    const token = new TextDecoder().decode(reply.body)
    if (!validToken.test(token)) {
      return yield* new InvalidResponse({ ...info, detail: "the token is not printable ASCII without whitespace" })
    }
    const expiresAt = asked + options.tokenTtlSeconds * 1000
    const fresh: Cached = {
      token,
      ttlSeconds: options.tokenTtlSeconds,
      expiresAt,
      refreshAt: expiresAt - options.tokenRefreshMarginMs
    }
    cached = fresh
    return fresh
  })

  const current = Effect.flatMap(now, (t) => {
    const hit = cached
    return hit !== null && t < hit.refreshAt ? Effect.succeed(hit) : flight.run(fetchToken)
  })
  const get = Effect.map(current, (c) => c.token)
  const session = Effect.map(
    current,
    ({ token, ttlSeconds, expiresAt }): SessionToken => ({ token, ttlSeconds, expiresAt })
  )

  const invalidate = (token: string) =>
    Effect.sync(() => {
      if (cached?.token === token) cached = null
    })

  return { get, session, invalidate }
}
