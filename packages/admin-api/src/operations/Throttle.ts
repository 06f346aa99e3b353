// The metadata service's "access frequency limits" (spec §13): a token bucket per instance, set for one instance or
// for every instance ("*"); a refused request is answered 429 by the metadata listener.
import { Schema } from "effect"
import { json, operation } from "../Operation.ts"

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

export const throttleOperations = {
  DescribeThrottleRules: operation({
    method: "GET",
    path: "/v1/throttle",
    tag,
    summary: "The throttle rules in force",
    success: json(ThrottleRules)
  }),
  SetThrottleRule: operation({
    method: "PUT",
    path: "/v1/throttle",
    tag,
    summary: "Set the throttle rule of one instance or of every instance",
    body: SetThrottleRequest,
    errors: [404],
    success: json(ThrottleRules)
  }),
  ClearThrottleRules: operation({
    method: "DELETE",
    path: "/v1/throttle",
    tag,
    summary: "Remove one target's rule (`?target=`) or every rule",
    query: ClearThrottleQuery,
    errors: [404],
    success: json(ThrottleRules)
  })
}
