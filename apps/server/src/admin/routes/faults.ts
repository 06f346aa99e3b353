// Fault rules on the metadata listener: list, add, look up, remove one or all.
import type { FaultRule } from "@aliyun-imds/core"
import { Effect } from "effect"
import type { AdminDeps } from "../AdminDeps.ts"
import { FaultNotFound } from "../errors.ts"
import type { AdminHandlers } from "../Handlers.ts"
import { ruleTarget } from "../views.ts"

export const faultHandlers = ({ services: { fleet, faults } }: AdminDeps) => {
  const find = (id: string) =>
    Effect.flatMap(faults.list, (rules) => {
      const rule = rules.find((r) => r.id === id)
      return rule === undefined ? Effect.fail(new FaultNotFound({ id })) : Effect.succeed<FaultRule>(rule)
    })
  return {
    DescribeFaultRules: () => Effect.map(faults.list, (rules) => ({ rules: [...rules] })),
    AddFaultRule: ({ body }) =>
      Effect.flatMap(ruleTarget(fleet, body.instanceId), (instanceId) =>
        Effect.map(faults.add({ ...body, instanceId }), (rule) => ({ rule }))
      ),
    ClearFaultRules: () => Effect.flatMap(faults.list, (rules) => Effect.as(faults.clear(), { removed: rules.length })),
    DescribeFaultRule: ({ params }) => Effect.map(find(params.id), (rule) => ({ rule })),
    RemoveFaultRule: ({ params }) =>
      Effect.flatMap(find(params.id), (rule) => Effect.as(faults.clear(rule.id), { rule }))
  } satisfies Partial<AdminHandlers>
}
