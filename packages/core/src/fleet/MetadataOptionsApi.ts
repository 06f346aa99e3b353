// The ECS ModifyInstanceMetadataOptions / DescribeInstances view of an instance's metadata options: request
// validation with the real API's error codes and messages (spec §11), checked in the API's parameter order.
import { Result } from "effect"
import { InvalidMetadataOption } from "../Errors.ts"
import type { MetadataOptions } from "./Instance.ts"

export interface ModifyMetadataOptionsRequest {
  readonly InstanceId: string
  readonly HttpEndpoint?: string | undefined
  readonly HttpTokens?: string | undefined
  readonly InstanceMetadataTags?: string | undefined
}

/** `MetadataOptions` as DescribeInstances reports it, with the instance it belongs to. */
export interface InstanceMetadataOptions extends MetadataOptions {
  readonly InstanceId: string
}

interface Rule {
  readonly field: keyof MetadataOptions
  readonly allowed: ReadonlyArray<string>
  readonly code: string
  readonly message: string
}

const rules: ReadonlyArray<Rule> = [
  {
    field: "HttpEndpoint",
    allowed: ["enabled", "disabled"],
    code: "InvalidHttpEndpoint.NotSupported",
    message: "The specified HttpEndpoint not supported, you can use enabled(default) or disabled."
  },
  {
    field: "HttpTokens",
    allowed: ["optional", "required"],
    code: "InvalidHttpTokens.NotSupported",
    message: "The specified HttpTokens not supported, you can use optional(default) or required."
  },
  {
    field: "InstanceMetadataTags",
    allowed: ["enabled", "disabled"],
    code: "InvalidInstanceMetadataTags.NotSupported",
    message: "The specified InstanceMetadataTags not supported."
  }
]

/** The options a request sets, or the first parameter the ECS API would reject. Absent parameters are left out. */
export const parseModifyRequest = (
  request: ModifyMetadataOptionsRequest
): Result.Result<Partial<MetadataOptions>, InvalidMetadataOption> => {
  const changes: Partial<Record<keyof MetadataOptions, string>> = {}
  for (const rule of rules) {
    const value = request[rule.field]
    if (value === undefined) continue
    if (!rule.allowed.includes(value)) {
      return Result.fail(new InvalidMetadataOption({ code: rule.code, message: rule.message }))
    }
    changes[rule.field] = value
  }
  // Every value was checked against its rule's literals above.
  return Result.succeed(changes as Partial<MetadataOptions>)
}

const hopLimitError = new InvalidMetadataOption({
  code: "InvalidHttpPutResponseHopLimit.NotSupported",
  message: "The specified HttpPutResponseHopLimit not supported, more than 1 and less than 64 is reasonable."
})

/**
 * Every value of a ModifyInstanceMetadataOptions, RunInstances or CreateInstance request, checked before any instance
 * is touched: the options it sets, or the first value the API would reject. HttpPutResponseHopLimit is accepted (and
 * not used, as on ECS) when it is an integer in 1..64.
 */
export const checkMetadataOptions = (
  request: Omit<ModifyMetadataOptionsRequest, "InstanceId"> & { readonly HttpPutResponseHopLimit?: number | undefined }
): Result.Result<Partial<MetadataOptions>, InvalidMetadataOption> => {
  const hop = request.HttpPutResponseHopLimit
  return Result.flatMap(parseModifyRequest({ ...request, InstanceId: "" }), (options) =>
    hop === undefined || (Number.isInteger(hop) && hop >= 1 && hop <= 64)
      ? Result.succeed(options)
      : Result.fail(hopLimitError)
  )
}
