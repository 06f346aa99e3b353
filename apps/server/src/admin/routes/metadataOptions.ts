// ECS DescribeInstances MetadataOptions / ModifyInstanceMetadataOptions (spec §11): same parameter names and values,
// values checked before the instance is looked up, and the API's error codes (`InvalidHttpTokens.NotSupported`, …).
import { InvalidMetadataOption, type ModifyMetadataOptionsRequest, parseModifyRequest } from "@aliyun-imds/core"
import { Effect, Result, Schema } from "effect"
import type { AdminDeps } from "../AdminDeps.ts"
import { type AdminRoute, jsonRoute } from "../Route.ts"
import { instanceIdOf, MetadataOptionsView } from "../views.ts"

const optionFields = {
  HttpEndpoint: Schema.optionalKey(Schema.String.annotate({ description: "enabled | disabled" })),
  HttpTokens: Schema.optionalKey(Schema.String.annotate({ description: "optional | required" })),
  InstanceMetadataTags: Schema.optionalKey(Schema.String.annotate({ description: "enabled | disabled" })),
  HttpPutResponseHopLimit: Schema.optionalKey(
    Schema.Finite.annotate({ description: "Checked (1-64) like the API, otherwise not emulated." })
  ),
  RegionId: Schema.optionalKey(Schema.String.annotate({ description: "Accepted for API compatibility; ignored." }))
}

export const ModifyMetadataOptionsRequestBody = Schema.Struct(optionFields).annotate({
  identifier: "ModifyInstanceMetadataOptions",
  description: "Parameters of ECS ModifyInstanceMetadataOptions; absent ones are left unchanged."
})

export const ModifyFleetMetadataOptionsRequestBody = Schema.Struct({
  InstanceId: Schema.optionalKey(Schema.String.annotate({ description: "One instance; every instance when absent." })),
  ...optionFields
}).annotate({ identifier: "ModifyFleetMetadataOptions" })

export const MetadataOptionsList = Schema.Struct({ MetadataOptions: Schema.Array(MetadataOptionsView) })

type Body = typeof ModifyMetadataOptionsRequestBody.Type

const hopLimitError = new InvalidMetadataOption({
  code: "InvalidHttpPutResponseHopLimit.NotSupported",
  message: "The specified HttpPutResponseHopLimit not supported, more than 1 and less than 64 is reasonable."
})

/** Every value is checked before any instance is touched, so a bad value changes nothing. */
const checkValues = (body: Body): Effect.Effect<void, InvalidMetadataOption> => {
  const parsed = parseModifyRequest({ InstanceId: "", ...body })
  if (Result.isFailure(parsed)) return Effect.fail(parsed.failure)
  const hop = body.HttpPutResponseHopLimit
  return hop === undefined || (Number.isInteger(hop) && hop >= 1 && hop <= 64)
    ? Effect.void
    : Effect.fail(hopLimitError)
}

const request = (InstanceId: string, body: Body): ModifyMetadataOptionsRequest => ({
  InstanceId,
  HttpEndpoint: body.HttpEndpoint,
  HttpTokens: body.HttpTokens,
  InstanceMetadataTags: body.InstanceMetadataTags
})

const tag = "Metadata options"

export const metadataOptionsRoutes = ({ services: { fleet } }: AdminDeps): ReadonlyArray<AdminRoute> => {
  const modify = (id: string, body: Body) =>
    Effect.flatMap(checkValues(body), () =>
      Effect.flatMap(instanceIdOf(fleet, id), (instanceId) => fleet.modifyMetadataOptions(request(instanceId, body)))
    )
  const all = Effect.flatMap(fleet.list, (states) =>
    Effect.forEach(states, (s) => fleet.describeMetadataOptions(s.instance.instanceId))
  )
  return [
    jsonRoute({
      method: "GET",
      path: "/v1/metadata-options",
      operationId: "describeFleetMetadataOptions",
      tag,
      summary: "Every instance's metadata options",
      response: MetadataOptionsList,
      handle: () => Effect.map(all, (MetadataOptions) => ({ MetadataOptions }))
    }),
    jsonRoute({
      method: "POST",
      path: "/v1/metadata-options",
      operationId: "modifyFleetMetadataOptions",
      tag,
      summary: "ModifyInstanceMetadataOptions for one instance (InstanceId) or all of them",
      body: ModifyFleetMetadataOptionsRequestBody,
      errors: [404],
      response: MetadataOptionsList,
      handle: ({ body: { InstanceId, ...options } }) =>
        InstanceId !== undefined
          ? Effect.map(modify(InstanceId, options), (one) => ({ MetadataOptions: [one] }))
          : Effect.flatMap(checkValues(options), () =>
              Effect.flatMap(fleet.list, (states) =>
                Effect.map(
                  Effect.forEach(states, (s) => modify(s.instance.instanceId, options)),
                  (MetadataOptions) => ({ MetadataOptions })
                )
              )
            )
    }),
    jsonRoute({
      method: "GET",
      path: "/v1/instances/:id/metadata-options",
      operationId: "describeMetadataOptions",
      tag,
      summary: "One instance's metadata options (DescribeInstances MetadataOptions)",
      errors: [404],
      response: MetadataOptionsView,
      handle: ({ params }) => Effect.flatMap(instanceIdOf(fleet, params.id!), fleet.describeMetadataOptions)
    }),
    jsonRoute({
      method: "POST",
      path: "/v1/instances/:id/metadata-options",
      operationId: "modifyMetadataOptions",
      tag,
      summary: "ModifyInstanceMetadataOptions for one instance",
      body: ModifyMetadataOptionsRequestBody,
      errors: [404],
      response: MetadataOptionsView,
      handle: ({ params, body }) => modify(params.id!, body)
    })
  ]
}
