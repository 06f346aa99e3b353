// Throttle rules: a token bucket per instance or for every instance ("*").
import { Effect } from "effect"
import type { AdminDeps } from "../AdminDeps.ts"
import type { AdminHandlers } from "../Handlers.ts"
import { ruleTarget } from "../views.ts"

export const throttleHandlers = ({ services: { fleet, throttle } }: AdminDeps) => {
  const rules = Effect.map(throttle.rules, (r) => ({
    rules: Object.entries(r).map(([target, rule]) => ({ target, ...rule }))
  }))
  return {
    DescribeThrottleRules: () => rules,
    SetThrottleRule: ({ body }) =>
      Effect.flatMap(ruleTarget(fleet, body.target), (target) =>
        Effect.andThen(throttle.set(target, { ratePerSecond: body.ratePerSecond, burst: body.burst }), rules)
      ),
    ClearThrottleRules: ({ query }) =>
      query.target === undefined
        ? Effect.andThen(throttle.clear(), rules)
        : Effect.flatMap(ruleTarget(fleet, query.target), (target) => Effect.andThen(throttle.clear(target), rules))
  } satisfies Partial<AdminHandlers>
}
