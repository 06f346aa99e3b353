// Fault injection rules for the data plane: added latency, a fixed status, a connection reset or a black hole,
// matched by instance, route, method and path prefix, optionally for a limited number of requests.
import { Context, Effect, Layer, Schema } from "effect"
import { FaultRoute } from "../Enumerations.ts"

export const FaultAction = Schema.Union([
  Schema.Struct({
    type: Schema.Literal("latency"),
    ms: Schema.Int.check(Schema.isBetween({ minimum: 0, maximum: 600_000 }))
  }),
  Schema.Struct({
    type: Schema.Literal("status"),
    status: Schema.Int.check(Schema.isBetween({ minimum: 100, maximum: 599 })),
    body: Schema.optionalKey(Schema.String)
  }),
  Schema.Struct({ type: Schema.Literal("reset") }),
  Schema.Struct({ type: Schema.Literal("blackhole") })
])
export type FaultAction = typeof FaultAction.Type

export const FaultRuleInput = Schema.Struct({
  /** An instance id, or `*` (the default) for every instance. */
  instanceId: Schema.optionalKey(Schema.String),
  /** Default `any`. */
  route: Schema.optionalKey(FaultRoute),
  method: Schema.optionalKey(Schema.String),
  /** Matched case-insensitively against the request path, e.g. `/latest/meta-data/ram/`. */
  pathPrefix: Schema.optionalKey(Schema.String),
  action: FaultAction,
  /** Apply to this many matching requests, then remove the rule; unlimited when absent. */
  times: Schema.optionalKey(Schema.Int.check(Schema.isGreaterThanOrEqualTo(1)))
})
export type FaultRuleInput = typeof FaultRuleInput.Type

/** A rule in force, as added (with its defaults filled in) and listed. */
export const FaultRule = Schema.Struct({
  id: Schema.String,
  instanceId: Schema.String,
  route: FaultRoute,
  method: Schema.NullOr(Schema.String),
  pathPrefix: Schema.NullOr(Schema.String),
  action: FaultAction,
  remaining: Schema.NullOr(Schema.Int.check(Schema.isGreaterThanOrEqualTo(1))).annotate({
    description: "Requests left before the rule removes itself; null for unlimited."
  })
})
export type FaultRule = typeof FaultRule.Type

export interface FaultRequest {
  readonly instanceId: string
  readonly route: "token" | "metadata"
  readonly method: string
  readonly path: string
}

/** What to do with a request: total latency to add, then an optional terminal action. */
export interface FaultOutcome {
  readonly latencyMs: number
  readonly terminal: Exclude<FaultAction, { type: "latency" }> | null
}

/** The rules in force and the number of the last rule id handed out, to persist. */
export interface FaultsSaved {
  readonly lastId: number
  readonly rules: ReadonlyArray<FaultRule>
}

const none: FaultOutcome = { latencyMs: 0, terminal: null }

export class FaultTable {
  private rules: Array<FaultRule> = []
  private counter = 0

  add(input: FaultRuleInput): FaultRule {
    const rule: FaultRule = {
      id: `fault-${++this.counter}`,
      instanceId: input.instanceId ?? "*",
      route: input.route ?? "any",
      method: input.method?.toUpperCase() ?? null,
      pathPrefix: input.pathPrefix?.toLowerCase() ?? null,
      action: input.action,
      remaining: input.times ?? null
    }
    this.rules.push(rule)
    return rule
  }

  list(): ReadonlyArray<FaultRule> {
    return this.rules
  }

  saved(): FaultsSaved {
    return { lastId: this.counter, rules: this.rules }
  }

  /** Takes over saved rules (with what is left of their `times`); ids continue after `lastId`. */
  restore(saved: FaultsSaved): void {
    this.rules = [...saved.rules]
    this.counter = saved.lastId
  }

  /** Removes one rule (true if it existed) or, without an id, all of them. */
  clear(id?: string): boolean {
    const before = this.rules.length
    this.rules = id === undefined ? [] : this.rules.filter((r) => r.id !== id)
    return this.rules.length < before
  }

  /** Matches and consumes: latency rules add up, the first terminal rule wins and later ones are not consumed. */
  apply(request: FaultRequest): FaultOutcome {
    if (this.rules.length === 0) return none
    let latencyMs = 0
    let terminal: FaultOutcome["terminal"] = null
    const path = request.path.toLowerCase()
    for (const rule of this.rules) {
      if (!matches(rule, request, path)) continue
      if (rule.action.type === "latency") latencyMs += rule.action.ms
      else if (terminal === null) terminal = rule.action
      else continue
      this.consume(rule)
    }
    return latencyMs === 0 && terminal === null ? none : { latencyMs, terminal }
  }

  private consume(rule: FaultRule): void {
    if (rule.remaining === null) return
    const remaining = rule.remaining - 1
    this.rules =
      remaining === 0
        ? this.rules.filter((r) => r !== rule)
        : this.rules.map((r) => (r === rule ? { ...r, remaining } : r))
  }
}

const matches = (rule: FaultRule, request: FaultRequest, path: string): boolean =>
  (rule.instanceId === "*" || rule.instanceId === request.instanceId) &&
  (rule.route === "any" || rule.route === request.route) &&
  (rule.method === null || rule.method === request.method) &&
  (rule.pathPrefix === null || path.startsWith(rule.pathPrefix))

export class Faults extends Context.Service<
  Faults,
  {
    readonly table: FaultTable
    readonly add: (input: FaultRuleInput) => Effect.Effect<FaultRule>
    readonly list: Effect.Effect<ReadonlyArray<FaultRule>>
    readonly clear: (id?: string) => Effect.Effect<boolean>
    readonly saved: Effect.Effect<FaultsSaved>
    readonly restore: (saved: FaultsSaved) => Effect.Effect<void>
  }
>()("@aliyun-imds/core/Faults") {
  static readonly layer: Layer.Layer<Faults> = Layer.sync(Faults, () => {
    const table = new FaultTable()
    return Faults.of({
      table,
      add: (input) => Effect.sync(() => table.add(input)),
      list: Effect.sync(() => table.list()),
      clear: (id) => Effect.sync(() => table.clear(id)),
      saved: Effect.sync(() => table.saved()),
      restore: (saved) => Effect.sync(() => table.restore(saved))
    })
  })
}
