// ECS DescribeInstances MetadataOptions / ModifyInstanceMetadataOptions (spec §11): the same parameter names. Values
// are plain text here so that a wrong one gets the API's own error code (`InvalidHttpTokens.NotSupported`, …).
import { defaultMetadataOptions, HttpEndpoint, HttpTokens, InstanceMetadataTags } from "@aliyun-imds/core"
import { Schema, SchemaAST } from "effect"
import { json, operation } from "../Operation.ts"
import { InstanceParams, MetadataOptionsView } from "../Views.ts"

/** An option as text (so a wrong value gets the API's own error), documented by its enumeration, default first. */
const choice = (option: keyof typeof defaultMetadataOptions, values: Schema.Literals<ReadonlyArray<string>>) => {
  const fallback = defaultMetadataOptions[option]
  const other = values.literals.filter((v) => v !== fallback).join(" or ")
  const meaning = SchemaAST.resolveDescription(values.ast) ?? ""
  return Schema.optionalKey(Schema.String.annotate({ description: `${fallback} (default) or ${other}; ${meaning}` }))
}

/** Each option's values and meaning, for the API document. */
export const metadataOptionFields = {
  HttpEndpoint: choice("HttpEndpoint", HttpEndpoint),
  HttpTokens: choice("HttpTokens", HttpTokens),
  InstanceMetadataTags: choice("InstanceMetadataTags", InstanceMetadataTags),
  HttpPutResponseHopLimit: Schema.optionalKey(
    Schema.Finite.annotate({ description: "Checked (1-64) like the API, otherwise not emulated." })
  ),
  RegionId: Schema.optionalKey(Schema.String.annotate({ description: "Accepted for API compatibility; ignored." }))
}

export const ModifyMetadataOptionsRequestBody = Schema.Struct(metadataOptionFields).annotate({
  identifier: "ModifyInstanceMetadataOptions",
  description: "Parameters of ECS ModifyInstanceMetadataOptions; absent ones are left unchanged."
})

export const ModifyFleetMetadataOptionsRequestBody = Schema.Struct({
  InstanceId: Schema.optionalKey(Schema.String.annotate({ description: "One instance; every instance when absent." })),
  ...metadataOptionFields
}).annotate({ identifier: "ModifyFleetMetadataOptions" })

export const MetadataOptionsList = Schema.Struct({ MetadataOptions: Schema.Array(MetadataOptionsView) })

const tag = "Metadata options"

export const metadataOptionsOperations = {
  DescribeFleetMetadataOptions: operation({
    method: "GET",
    path: "/v1/metadata-options",
    tag,
    summary: "Every instance's metadata options",
    success: json(MetadataOptionsList)
  }),
  ModifyFleetMetadataOptions: operation({
    method: "POST",
    path: "/v1/metadata-options",
    tag,
    summary: "ModifyInstanceMetadataOptions for one instance (InstanceId) or all of them",
    body: ModifyFleetMetadataOptionsRequestBody,
    errors: [404],
    success: json(MetadataOptionsList)
  }),
  DescribeInstanceMetadataOptions: operation({
    method: "GET",
    path: "/v1/instances/{id}/metadata-options",
    tag,
    summary: "One instance's metadata options (DescribeInstances MetadataOptions)",
    params: InstanceParams,
    errors: [404],
    success: json(MetadataOptionsView)
  }),
  ModifyInstanceMetadataOptions: operation({
    method: "POST",
    path: "/v1/instances/{id}/metadata-options",
    tag,
    summary: "ModifyInstanceMetadataOptions for one instance",
    params: InstanceParams,
    body: ModifyMetadataOptionsRequestBody,
    errors: [404],
    success: json(MetadataOptionsView)
  })
}
