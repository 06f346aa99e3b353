// The fleet's instances: list, describe, add at run time and remove.
import { Effect } from "effect"
import type { AdminDeps } from "../AdminDeps.ts"
import type { AdminHandlers } from "../Handlers.ts"
import { instanceIdOf, instanceSummary, stateOf } from "../views.ts"

export const instanceHandlers = ({ services: { fleet } }: AdminDeps) => {
  const defaultId = Effect.map(fleet.config, (c) => c.defaultInstanceId)
  const detail = (id: string) =>
    Effect.gen(function* () {
      const state = yield* fleet.get(id)
      return { ...instanceSummary(state, yield* defaultId), instance: state.instance }
    })
  return {
    DescribeInstances: () =>
      Effect.gen(function* () {
        const defaultInstanceId = yield* defaultId
        const states = yield* fleet.list
        return { defaultInstanceId, instances: states.map((s) => instanceSummary(s, defaultInstanceId)) }
      }),
    CreateInstance: ({ body }) => Effect.flatMap(fleet.add(body), (state) => detail(state.instance.instanceId)),
    DescribeInstanceAttribute: ({ params }) =>
      Effect.flatMap(stateOf(fleet, params.id), (s) => detail(s.instance.instanceId)),
    DeleteInstance: ({ params }) =>
      Effect.gen(function* () {
        const instanceId = yield* instanceIdOf(fleet, params.id)
        yield* fleet.remove(instanceId)
        return { instanceId, defaultInstanceId: yield* defaultId }
      })
  } satisfies Partial<AdminHandlers>
}
