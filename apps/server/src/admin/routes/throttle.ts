// The metadata service's "access frequency limits" (spec §13): a token bucket per instance, set for one instance or
// for every instance ("*"); a refused request is answered 429 by the metadata listener.
import { Effect, Schema } from "effect"
import type { AdminDeps } from "../AdminDeps.ts"
import { type AdminRoute, jsonRoute } from "../Route.ts"
import { ruleTarget } from "../views.ts"

const Target = Schema.String.annotate({ description: 'An instance id, "default", or "*" for every instance.' })

export const ThrottleRuleView = Schema.Struct({
  target: Schema.String,
  ratePerSecond: Schema.Finite,
  burst: Schema.Finite
}).annotate({ identifier: "ThrottleRule" })

export const SetThrottleRequest = Schema.Struct({
  target: Schema.optionalKey(Target),
  ratePerSecond: Schema.Finite.annotate({ description: "Sustained requests per second (> 0)." }),
  burst: Schema.Finite.annotate({ description: "Requests admitted at once after an idle period (integer ≥ 1)." })
}).annotate({ identifier: "SetThrottle", description: 'A token bucket; `target` defaults to "*".' })

export const ClearThrottleQuery = Schema.Struct({ target: Schema.optionalKey(Target) })

export const ThrottleRules = Schema.Struct({ rules: Schema.Array(ThrottleRuleView) })

const tag = "Throttle"

export const throttleRoutes = ({ services: { fleet, throttle } }: AdminDeps): ReadonlyArray<AdminRoute> => {
  const rules = Effect.map(throttle.rules, (r) => ({
    rules: Object.entries(r).map(([target, rule]) => ({ target, ...rule }))
  }))
  return [
    jsonRoute({
      method: "GET",
      path: "/v1/throttle",
      operationId: "listThrottleRules",
      tag,
      summary: "The throttle rules in force",
      response: ThrottleRules,
      handle: () => rules
    }),
    jsonRoute({
      method: "PUT",
      path: "/v1/throttle",
      operationId: "setThrottleRule",
      tag,
      summary: "Set the throttle rule of one instance or of every instance",
      body: SetThrottleRequest,
      errors: [404],
      response: ThrottleRules,
      handle: ({ body }) =>
        Effect.flatMap(ruleTarget(fleet, body.target), (target) =>
          Effect.andThen(throttle.set(target, { ratePerSecond: body.ratePerSecond, burst: body.burst }), rules)
        )
    }),
    jsonRoute({
      method: "DELETE",
      path: "/v1/throttle",
      operationId: "clearThrottleRules",
      tag,
      summary: "Remove one target's rule (`?target=`) or every rule",
      query: ClearThrottleQuery,
      errors: [404],
      response: ThrottleRules,
      handle: ({ query }) =>
        query.target === undefined
          ? Effect.andThen(throttle.clear(), rules)
          : Effect.flatMap(ruleTarget(fleet, query.target), (target) => Effect.andThen(throttle.clear(target), rules))
    })
  ]
}
