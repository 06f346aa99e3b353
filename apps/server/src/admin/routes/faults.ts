// Fault injection on the metadata listener (latency, a fixed status, a connection reset, a black hole), matched by
// instance, route, method and path prefix, optionally for a number of requests only.
import { FaultAction, type FaultRule, FaultRuleInput } from "@aliyun-imds/core"
import { Effect, Schema } from "effect"
import type { AdminDeps } from "../AdminDeps.ts"
import { FaultNotFound } from "../errors.ts"
import { type AdminRoute, jsonRoute } from "../Route.ts"
import { ruleTarget } from "../views.ts"

export const AddFaultRequest = FaultRuleInput.annotate({
  identifier: "FaultRuleInput",
  description: 'A fault rule; `instanceId` is an id, "default", or "*" (every instance, the default).'
})

export const FaultRuleView = Schema.Struct({
  id: Schema.String,
  instanceId: Schema.String,
  route: Schema.Literals(["token", "metadata", "any"]),
  method: Schema.NullOr(Schema.String),
  pathPrefix: Schema.NullOr(Schema.String),
  action: FaultAction,
  /** Requests left before the rule removes itself; null for unlimited. */
  remaining: Schema.NullOr(Schema.Finite)
}).annotate({ identifier: "FaultRule" })

export const FaultRuleResponse = Schema.Struct({ rule: FaultRuleView })
export const FaultRuleList = Schema.Struct({ rules: Schema.Array(FaultRuleView) })
export const FaultsRemoved = Schema.Struct({ removed: Schema.Finite })

const tag = "Faults"

export const faultRoutes = ({ services: { fleet, faults } }: AdminDeps): ReadonlyArray<AdminRoute> => {
  const find = (id: string) =>
    Effect.flatMap(faults.list, (rules) => {
      const rule = rules.find((r) => r.id === id)
      return rule === undefined ? Effect.fail(new FaultNotFound({ id })) : Effect.succeed<FaultRule>(rule)
    })
  return [
    jsonRoute({
      method: "GET",
      path: "/v1/faults",
      operationId: "listFaults",
      tag,
      summary: "The fault rules in force, in matching order",
      response: FaultRuleList,
      handle: () => Effect.map(faults.list, (rules) => ({ rules: [...rules] }))
    }),
    jsonRoute({
      method: "POST",
      path: "/v1/faults",
      operationId: "addFault",
      tag,
      summary: "Add a fault rule",
      status: 201,
      body: AddFaultRequest,
      errors: [404],
      response: FaultRuleResponse,
      handle: ({ body }) =>
        Effect.flatMap(ruleTarget(fleet, body.instanceId), (instanceId) =>
          Effect.map(faults.add({ ...body, instanceId }), (rule) => ({ rule }))
        )
    }),
    jsonRoute({
      method: "DELETE",
      path: "/v1/faults",
      operationId: "clearFaults",
      tag,
      summary: "Remove every fault rule",
      response: FaultsRemoved,
      handle: () => Effect.flatMap(faults.list, (rules) => Effect.as(faults.clear(), { removed: rules.length }))
    }),
    jsonRoute({
      method: "GET",
      path: "/v1/faults/:id",
      operationId: "getFault",
      tag,
      summary: "One fault rule",
      errors: [404],
      response: FaultRuleResponse,
      handle: ({ params }) => Effect.map(find(params.id!), (rule) => ({ rule }))
    }),
    jsonRoute({
      method: "DELETE",
      path: "/v1/faults/:id",
      operationId: "removeFault",
      tag,
      summary: "Remove one fault rule",
      errors: [404],
      response: FaultRuleResponse,
      handle: ({ params }) => Effect.flatMap(find(params.id!), (rule) => Effect.as(faults.clear(rule.id), { rule }))
    })
  ]
}
