// ECS DescribeInstances MetadataOptions / ModifyInstanceMetadataOptions: values checked before any instance is looked
// up, with the API's error codes (`InvalidHttpTokens.NotSupported`, …). Options set for every instance also become
// those of instances added later.
import type { ModifyMetadataOptionsRequestBody } from "@aliyun-imds/admin-api"
import { checkMetadataOptions, type InvalidMetadataOption, type ModifyMetadataOptionsRequest } from "@aliyun-imds/core"
import { Effect } from "effect"
import type { AdminDeps } from "../AdminDeps.ts"
import type { AdminHandlers } from "../Handlers.ts"
import { instanceIdOf } from "../views.ts"

type Body = typeof ModifyMetadataOptionsRequestBody.Type

/** Every value is checked before any instance is touched, so a bad value changes nothing. */
const checkValues = (body: Body): Effect.Effect<void, InvalidMetadataOption> =>
  Effect.asVoid(Effect.fromResult(checkMetadataOptions(body)))

const request = (InstanceId: string, body: Body): ModifyMetadataOptionsRequest => ({
  InstanceId,
  HttpEndpoint: body.HttpEndpoint,
  HttpTokens: body.HttpTokens,
  InstanceMetadataTags: body.InstanceMetadataTags
})

export const metadataOptionsHandlers = ({ services: { fleet } }: AdminDeps) => {
  const modify = (id: string, body: Body) =>
    Effect.flatMap(checkValues(body), () =>
      Effect.flatMap(instanceIdOf(fleet, id), (instanceId) => fleet.modifyMetadataOptions(request(instanceId, body)))
    )
  const all = Effect.flatMap(fleet.list, (states) =>
    Effect.forEach(states, (s) => fleet.describeMetadataOptions(s.instance.instanceId))
  )
  return {
    DescribeFleetMetadataOptions: () => Effect.map(all, (MetadataOptions) => ({ MetadataOptions })),
    ModifyFleetMetadataOptions: ({ body: { InstanceId, ...options } }) =>
      InstanceId !== undefined
        ? Effect.map(modify(InstanceId, options), (one) => ({ MetadataOptions: [one] }))
        : Effect.flatMap(checkValues(options), () =>
            Effect.flatMap(fleet.list, (states) =>
              Effect.map(
                Effect.forEach(states, (s) => modify(s.instance.instanceId, options)),
                (MetadataOptions) => ({ MetadataOptions })
              )
            ).pipe(Effect.tap(() => fleet.modifyDefaultMetadataOptions(request("", options))))
          ),
    DescribeInstanceMetadataOptions: ({ params }) =>
      Effect.flatMap(instanceIdOf(fleet, params.id), fleet.describeMetadataOptions),
    ModifyInstanceMetadataOptions: ({ params, body }) => modify(params.id, body)
  } satisfies Partial<AdminHandlers>
}
