// The metadata service's "access frequency limits" (spec §13): no numbers are published, so the emulator offers an
// optional token bucket per instance, off until a rule is set. A refused request is answered 429 by the server.
import { Clock, Context, Effect, Layer, Schema } from "effect"
import { Throttled } from "../Errors.ts"

export interface ThrottleRule {
  /** Sustained rate: tokens added per second. */
  readonly ratePerSecond: number
  /** Bucket size: how many requests may arrive at once after an idle period. */
  readonly burst: number
}

export type TakeResult = { readonly allowed: true } | { readonly allowed: false; readonly retryAfterMs: number }

/** Shared so the allowed path allocates nothing. */
const allowed: TakeResult = Object.freeze({ allowed: true })

/** Slack (ms) so float error never turns "a token is due at retryAfterMs" into a second refusal. */
const slackMs = 1e-6

/** A rule is usable when it can ever admit a request: a positive finite rate and a whole burst of at least 1. */
export class InvalidThrottleRule extends Schema.TaggedError<InvalidThrottleRule>()("InvalidThrottleRule", {
  field: Schema.Literals(["ratePerSecond", "burst"]),
  value: Schema.Number
}) {}

export const validateRule = (rule: ThrottleRule): InvalidThrottleRule | undefined => {
  if (!Number.isFinite(rule.ratePerSecond) || rule.ratePerSecond <= 0)
    return new InvalidThrottleRule({ field: "ratePerSecond", value: rule.ratePerSecond })
  if (!Number.isInteger(rule.burst) || rule.burst < 1)
    return new InvalidThrottleRule({ field: "burst", value: rule.burst })
  return undefined
}

/** Token bucket refilled lazily from elapsed time; `now` is epoch ms on the virtual clock. Starts full. */
export class TokenBucket {
  private tokens: number
  private last: number | undefined

  readonly rule: ThrottleRule

  constructor(rule: ThrottleRule) {
    this.rule = rule
    this.tokens = rule.burst
  }

  take(now: number): TakeResult {
    this.refill(now)
    const waitMs = ((1 - this.tokens) * 1000) / this.rule.ratePerSecond
    if (waitMs <= slackMs) {
      this.tokens = Math.max(0, this.tokens - 1)
      return allowed
    }
    return { allowed: false, retryAfterMs: Math.ceil(waitMs - slackMs) }
  }

  private refill(now: number): void {
    // A virtual clock moved backwards grants nothing; refill resumes from the new instant.
    if (this.last !== undefined && now > this.last) {
      this.tokens = Math.min(this.rule.burst, this.tokens + ((now - this.last) * this.rule.ratePerSecond) / 1000)
    }
    this.last = now
  }
}

/** Key of the rule that applies to instances without one of their own. */
export const anyInstance = "*"

/** Synchronous rule table and per-instance buckets; the `Throttle` service wraps one. */
export class ThrottleTable {
  private readonly byTarget = new Map<string, ThrottleRule>()
  private readonly buckets = new Map<string, TokenBucket>()

  /** `target` is an instance id or `"*"`. The rule must be valid (see `validateRule`). */
  set(target: string, rule: ThrottleRule): void {
    this.byTarget.set(target, { ratePerSecond: rule.ratePerSecond, burst: rule.burst })
  }

  /** Removes one target's rule, or every rule and bucket. */
  clear(target?: string): void {
    if (target === undefined) {
      this.byTarget.clear()
      this.buckets.clear()
    } else this.byTarget.delete(target)
  }

  rules(): Record<string, ThrottleRule> {
    return Object.fromEntries(this.byTarget)
  }

  check(instanceId: string, now: number): TakeResult {
    const rule = this.byTarget.get(instanceId) ?? this.byTarget.get(anyInstance)
    if (rule === undefined) return allowed
    const bucket = this.buckets.get(instanceId)
    if (bucket !== undefined && bucket.rule === rule) return bucket.take(now)
    // Each instance has its own bucket, even under `*`; a changed rule starts a fresh, full bucket.
    const fresh = new TokenBucket(rule)
    this.buckets.set(instanceId, fresh)
    return fresh.take(now)
  }
}

export class Throttle extends Context.Service<
  Throttle,
  {
    readonly set: (target: string, rule: ThrottleRule) => Effect.Effect<void, InvalidThrottleRule>
    readonly clear: (target?: string) => Effect.Effect<void>
    readonly rules: Effect.Effect<Record<string, ThrottleRule>>
    /** Hot-path form of `check`, with the time passed in. */
    readonly checkUnsafe: (instanceId: string, now: number) => TakeResult
    /** Takes a token at `now`, or at the current `Clock` time when omitted. */
    readonly check: (instanceId: string, now?: number) => Effect.Effect<TakeResult>
    /** `check`, failing with `Throttled` when refused. */
    readonly enforce: (instanceId: string) => Effect.Effect<void, Throttled>
  }
>()("@aliyun-imds/core/Throttle") {
  static readonly layer: Layer.Layer<Throttle> = Layer.sync(Throttle, () => {
    const table = new ThrottleTable()
    const check = (instanceId: string, now?: number) =>
      now === undefined
        ? Effect.map(Clock.currentTimeMillis, (t) => table.check(instanceId, t))
        : Effect.sync(() => table.check(instanceId, now))
    return Throttle.of({
      set: (target, rule) =>
        Effect.suspend(() => {
          const invalid = validateRule(rule)
          return invalid === undefined ? Effect.sync(() => table.set(target, rule)) : Effect.fail(invalid)
        }),
      clear: (target) => Effect.sync(() => table.clear(target)),
      rules: Effect.sync(() => table.rules()),
      checkUnsafe: (instanceId, now) => table.check(instanceId, now),
      check,
      enforce: (instanceId) =>
        Effect.flatMap(check(instanceId), (r) =>
          r.allowed ? Effect.void : Effect.fail(new Throttled({ instanceId, retryAfterMs: r.retryAfterMs }))
        )
    })
  })
}
