// Fault injection on the metadata listener (latency, a fixed status, a connection reset, a black hole), matched by
// instance, route, method and path prefix, optionally for a number of requests only.
import { FaultRule, FaultRuleInput } from "@aliyun-imds/core"
import { Schema } from "effect"
import { json, operation } from "../Operation.ts"

export const AddFaultRequest = FaultRuleInput.annotate({
  identifier: "FaultRuleInput",
  description: 'A fault rule; `instanceId` is an id, "default", or "*" (every instance, the default).'
})

export const FaultRuleView = FaultRule.annotate({ identifier: "FaultRule" })

export const FaultRuleResponse = Schema.Struct({ rule: FaultRuleView })
export const FaultRuleList = Schema.Struct({ rules: Schema.Array(FaultRuleView) })
export const FaultsRemoved = Schema.Struct({ removed: Schema.Finite })

export const FaultParams = Schema.Struct({ id: Schema.String.annotate({ description: "A fault rule's id." }) })

const tag = "Faults"

export const faultOperations = {
  DescribeFaultRules: operation({
    method: "GET",
    path: "/v1/faults",
    tag,
    summary: "The fault rules in force, in matching order",
    success: json(FaultRuleList)
  }),
  AddFaultRule: operation({
    method: "POST",
    path: "/v1/faults",
    tag,
    summary: "Add a fault rule",
    body: AddFaultRequest,
    errors: [404],
    success: json(FaultRuleResponse, 201)
  }),
  ClearFaultRules: operation({
    method: "DELETE",
    path: "/v1/faults",
    tag,
    summary: "Remove every fault rule",
    success: json(FaultsRemoved)
  }),
  DescribeFaultRule: operation({
    method: "GET",
    path: "/v1/faults/{id}",
    tag,
    summary: "One fault rule",
    params: FaultParams,
    errors: [404],
    success: json(FaultRuleResponse)
  }),
  RemoveFaultRule: operation({
    method: "DELETE",
    path: "/v1/faults/{id}",
    tag,
    summary: "Remove one fault rule",
    params: FaultParams,
    errors: [404],
    success: json(FaultRuleResponse)
  })
}
