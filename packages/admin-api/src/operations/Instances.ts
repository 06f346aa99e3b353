// The fleet's instances: list, describe (the full model the metadata tree is built from), add at run time (validated
// like an entry of the fleet file) and remove. Named as the ECS API names the same actions.
import { Instance, InstanceInput } from "@aliyun-imds/core"
import { Schema } from "effect"
import { json, operation } from "../Operation.ts"
import { InstanceParams, InstanceSummary } from "../Views.ts"

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

export const instanceOperations = {
  DescribeInstances: operation({
    method: "GET",
    path: "/v1/instances",
    tag,
    summary: "List the fleet's instances",
    success: json(InstanceList)
  }),
  CreateInstance: operation({
    method: "POST",
    path: "/v1/instances",
    tag,
    summary: "Add an instance at run time",
    description: "Validated like a fleet-file entry; a clashing id or source address is refused.",
    body: AddInstanceRequest,
    errors: [409],
    success: json(InstanceDetail, 201)
  }),
  DescribeInstanceAttribute: operation({
    method: "GET",
    path: "/v1/instances/{id}",
    tag,
    summary: "Describe one instance (`default` names the default instance)",
    params: InstanceParams,
    errors: [404],
    success: json(InstanceDetail)
  }),
  DeleteInstance: operation({
    method: "DELETE",
    path: "/v1/instances/{id}",
    tag,
    summary: "Remove an instance",
    description: "Removing the default instance makes the first remaining one the default.",
    params: InstanceParams,
    errors: [404],
    success: json(RemovedInstance)
  })
}
