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

export interface TokenCache {
  /** A valid token: the cached one, or a fresh one shared with every concurrent caller. */
  readonly get: Effect.Effect<string, ImdsError>
  /** Forgets `token` if it is still the cached one (another caller may already have replaced it). */
  readonly invalidate: (token: string) => Effect.Effect<void>
}

interface Cached {
  readonly token: string
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
  const flight = makeSingleFlight<string, ImdsError>()
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
    cached = { token, refreshAt: asked + options.tokenTtlSeconds * 1000 - options.tokenRefreshMarginMs }
    return token
  })

  const get = Effect.flatMap(now, (t) => {
    const hit = cached
    return hit !== null && t < hit.refreshAt ? Effect.succeed(hit.token) : flight.run(fetchToken)
  })

  const invalidate = (token: string) =>
    Effect.sync(() => {
      if (cached?.token === token) cached = null
    })

  return { get, invalidate }
}
