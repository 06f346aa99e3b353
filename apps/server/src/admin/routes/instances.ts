// The fleet's instances: list, describe (the full model as the metadata tree is built from it), add at run time
// (validated like an entry of the fleet file) and remove.
import { Instance, InstanceInput } from "@aliyun-imds/core"
import { Effect, Schema } from "effect"
import type { AdminDeps } from "../AdminDeps.ts"
import { type AdminRoute, jsonRoute } from "../Route.ts"
import { InstanceSummary, instanceIdOf, instanceSummary, stateOf } from "../views.ts"

export const InstanceList = Schema.Struct({
  defaultInstanceId: Schema.String,
  instances: Schema.Array(InstanceSummary)
})

export const InstanceDetail = Schema.Struct({
  ...InstanceSummary.fields,
  instance: Instance.annotate({ identifier: "Instance", description: "The complete instance model." })
})

export const AddInstanceRequest = InstanceInput.annotate({
  identifier: "InstanceInput",
  description: "One instance, as an entry of the fleet file's `instances`; unset fields are generated."
})

export const RemovedInstance = Schema.Struct({ instanceId: Schema.String, defaultInstanceId: Schema.String })

const tag = "Instances"

export const instanceRoutes = ({ services: { fleet } }: AdminDeps): ReadonlyArray<AdminRoute> => {
  const defaultId = Effect.map(fleet.config, (c) => c.defaultInstanceId)
  const detail = (id: string) =>
    Effect.gen(function* () {
      const state = yield* fleet.get(id)
      return { ...instanceSummary(state, yield* defaultId), instance: state.instance }
    })
  return [
    jsonRoute({
      method: "GET",
      path: "/v1/instances",
      operationId: "listInstances",
      tag,
      summary: "List the fleet's instances",
      response: InstanceList,
      handle: () =>
        Effect.gen(function* () {
          const defaultInstanceId = yield* defaultId
          const states = yield* fleet.list
          return { defaultInstanceId, instances: states.map((s) => instanceSummary(s, defaultInstanceId)) }
        })
    }),
    jsonRoute({
      method: "POST",
      path: "/v1/instances",
      operationId: "addInstance",
      tag,
      summary: "Add an instance at run time",
      description: "Validated like a fleet-file entry; a clashing id or source address is refused.",
      status: 201,
      body: AddInstanceRequest,
      errors: [409],
      response: InstanceDetail,
      handle: ({ body }) => Effect.flatMap(fleet.add(body), (state) => detail(state.instance.instanceId))
    }),
    jsonRoute({
      method: "GET",
      path: "/v1/instances/:id",
      operationId: "describeInstance",
      tag,
      summary: "Describe one instance (`default` names the default instance)",
      errors: [404],
      response: InstanceDetail,
      handle: ({ params }) => Effect.flatMap(stateOf(fleet, params.id!), (s) => detail(s.instance.instanceId))
    }),
    jsonRoute({
      method: "DELETE",
      path: "/v1/instances/:id",
      operationId: "removeInstance",
      tag,
      summary: "Remove an instance",
      description: "Removing the default instance makes the first remaining one the default.",
      errors: [404],
      response: RemovedInstance,
      handle: ({ params }) =>
        Effect.gen(function* () {
          const instanceId = yield* instanceIdOf(fleet, params.id!)
          yield* fleet.remove(instanceId)
          return { instanceId, defaultInstanceId: yield* defaultId }
        })
    })
  ]
}
