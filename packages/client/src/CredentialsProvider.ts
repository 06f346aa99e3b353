// A caching RAM credentials provider: fresh until Expiration − refreshBefore, refreshed in the background from
// Expiration − prefetchBefore, one refresh at a time, and the cached keys kept while a refresh fails but they are
// still valid. No timers: refreshes ride on calls, so an idle process holds nothing open.
import { Effect, Option, Result } from "effect"
import type { RamCredentials } from "./Decoders.ts"
import { makeSingleFlight } from "./SingleFlight.ts"

export interface CredentialsProviderOptions {
  /** Role to read; default the attached role. */
  readonly role?: string
  /** Credentials are stale this long before Expiration: callers then wait for a refresh. Default 15 min. */
  readonly refreshBeforeExpiryMs?: number
  /** From this long before Expiration, calls start a background refresh and return the cached keys at once.
   * Default 25 min (the service publishes new keys 30 min before the old ones expire). */
  readonly prefetchBeforeExpiryMs?: number
  /** Least time between refreshes that failed or returned unchanged keys. Default 60 s. */
  readonly retryIntervalMs?: number
  /** Name reported to `@alicloud/credentials`. Default `ecs_ram_role`. */
  readonly providerName?: string
}

export interface CredentialsProvider<E> {
  /** Cached, refreshed or fetched credentials; fails only when there are no valid ones to serve. */
  readonly get: Effect.Effect<RamCredentials, E>
  /** The cached credentials, without any request. */
  readonly cached: Effect.Effect<Option.Option<RamCredentials>>
}

/** The shape `@alicloud/credentials` accepts as a custom provider: `new Credential(undefined, provider)`. */
export interface AlibabaCloudCredentialsProvider {
  getCredentials(): Promise<{
    readonly accessKeyId: string
    readonly accessKeySecret: string
    readonly securityToken: string
    readonly providerName: string
  }>
  getProviderName(): string
}

export const makeCredentialsProvider = <E>(
  fetch: Effect.Effect<RamCredentials, E>,
  now: Effect.Effect<number>,
  options: CredentialsProviderOptions = {}
): CredentialsProvider<E> => {
  const refreshBefore = options.refreshBeforeExpiryMs ?? 15 * 60_000
  const prefetchBefore = Math.max(refreshBefore, options.prefetchBeforeExpiryMs ?? 25 * 60_000)
  const retryInterval = options.retryIntervalMs ?? 60_000
  let cached: RamCredentials | null = null
  let nextAttemptAt = Number.NEGATIVE_INFINITY
  const flight = makeSingleFlight<RamCredentials, E>()

  const backOff = Effect.flatMap(now, (t) =>
    Effect.sync(() => {
      nextAttemptAt = t + retryInterval
    })
  )

  /** Keeps whichever credentials expire later; unchanged keys (not rotated yet) also delay the next try. */
  const refresh = Effect.gen(function* () {
    const fresh = yield* Effect.tapError(fetch, () => backOff)
    if (cached === null || fresh.expiration.getTime() > cached.expiration.getTime()) {
      cached = fresh
      nextAttemptAt = Number.NEGATIVE_INFINITY
      return fresh
    }
    yield* backOff
    return cached
  })

  const background = Effect.forkDetach(Effect.ignore(flight.run(refresh)))

  const get = Effect.gen(function* () {
    const t = yield* now
    const current = cached
    if (current !== null) {
      const expiresAt = current.expiration.getTime()
      const mayTry = t >= nextAttemptAt && !flight.busy()
      if (t < expiresAt - refreshBefore) {
        if (t >= expiresAt - prefetchBefore && mayTry) {
          nextAttemptAt = t + retryInterval
          yield* background
        }
        return current
      }
      if (t < expiresAt && t < nextAttemptAt) return current
    }
    const result = yield* Effect.result(flight.run(refresh))
    if (Result.isSuccess(result)) return result.success
    const still = cached
    if (still !== null && (yield* now) < still.expiration.getTime()) {
      yield* Effect.logDebug("RAM credentials refresh failed; serving the cached ones until they expire")
      return still
    }
    return yield* Effect.fail(result.failure)
  })

  return { get, cached: Effect.sync(() => Option.fromNullishOr(cached)) }
}
