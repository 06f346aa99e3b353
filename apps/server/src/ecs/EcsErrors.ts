// The ECS endpoint's one table from an error to its HTTP status, ECS code and message, and the error body ECS sends
// (`{ RequestId, HostId, Code, Message, Recommend }`). Exhaustive over the endpoint's own errors; the core's (an
// instance not found, a metadata option value) take the admin plane's ECS codes, the same words from one place.
import type { EcsError } from "@aliyun-imds/core"
import { failureOf } from "../admin/errors.ts"
import type { ImdsAccessPolicyNotFound } from "./actions/metadataOptions.ts"
import type { DryRunPassed } from "./EcsAction.ts"

export type EndpointError = EcsError | DryRunPassed | ImdsAccessPolicyNotFound

export interface EcsFailure {
  readonly status: number
  readonly code: string
  readonly message: string
}

type Table = { readonly [K in EndpointError["_tag"]]: (e: Extract<EndpointError, { _tag: K }>) => EcsFailure }

const fail = (status: number, code: string, message: string): EcsFailure => ({ status, code, message })

export const ecsErrors: Table = {
  EcsMissingParameter: (e) => fail(400, `Missing${e.name}`, `${e.name} is mandatory for this action.`),
  EcsInvalidParameter: (e) =>
    fail(
      400,
      e.code ?? "InvalidParameter",
      e.code?.endsWith(".Malformed") === true
        ? `The specified parameter "${e.name}" is malformed.`
        : `The specified parameter "${e.name}" is not valid.`
    ),
  EcsUnknownAction: () =>
    fail(404, "InvalidAction.NotFound", "Specified api is not found, please check your url and method."),
  EcsIncompleteSignature: () =>
    fail(400, "IncompleteSignature", "The request signature does not conform to Aliyun standards."),
  EcsSignatureMismatch: (e) =>
    fail(
      400,
      "SignatureDoesNotMatch",
      `Specified signature is not matched with our calculation. server string to sign is:${e.stringToSign}`
    ),
  EcsAccessKeyNotFound: () => fail(404, "InvalidAccessKeyId.NotFound", "Specified access key is not found."),
  EcsSecurityTokenExpired: () => fail(400, "InvalidSecurityToken.Expired", "Specified SecurityToken is expired."),
  EcsSecurityTokenMismatch: (e) =>
    e.missing
      ? fail(400, "InvalidSecurityToken.Malformed", "Specified SecurityToken is malformed.")
      : fail(400, "InvalidSecurityToken.MismatchWithAccessKey", "Specified SecurityToken mismatch with the AccessKey."),
  EcsTimestampRefused: (e) =>
    e.malformed
      ? fail(400, "InvalidTimeStamp.Format", "Specified time stamp or date header is not in the correct format.")
      : fail(400, "InvalidTimeStamp.Expired", "Specified time stamp or date header is expired."),
  EcsNonceUsed: () => fail(400, "SignatureNonceUsed", "Specified signature nonce was used already."),
  EcsRegionNotFound: () => fail(404, "InvalidRegionId.NotFound", "The specified RegionId does not exist."),
  EcsImageNotFound: () => fail(404, "InvalidImageId.NotFound", "The specified ImageId does not exist."),
  // The message is the documented rule (spec §11); the code is the emulator's, the API's own is not published.
  EcsImdsSupportDowngrade: () =>
    fail(
      400,
      "InvalidImdsSupport.Unsupported",
      "ImdsSupport cannot be changed from v2 to v1; create a new image from the snapshot and set the value to v1."
    ),
  // Undocumented on ECS (spec §17 item 11): the emulator's choice, see docs/ecs-api.md.
  EcsImageNotHardenable: (e) =>
    fail(
      400,
      "InvalidImage.ImdsSupportV1",
      `The image ${e.imageId} does not support HttpTokens=required: its Features.ImdsSupport is v1. ` +
        "Use an image whose ImdsSupport is v2."
    ),
  EcsIncorrectInstanceStatus: () =>
    fail(403, "IncorrectInstanceStatus", "The current status of the resource does not support this operation."),
  EcsNoFreeAddress: () =>
    fail(400, "OperationDenied.NoFreeSourceAddress", "No loopback source address is left for a new instance."),
  EcsDryRunPassed: () => fail(400, "DryRunOperation", "Request validation has been passed with DryRun flag set."),
  EcsImdsAccessPolicyNotFound: () =>
    fail(400, "InvalidImdsAccessPolicyId.NotFound", "The specified parameter ImdsAccessPolicyId is not found.")
}

const tagOf = (error: unknown): string | null =>
  typeof error === "object" && error !== null && "_tag" in error && typeof error._tag === "string" ? error._tag : null

/** The failure for any error an action ends with; unknown ones are internal errors (500). */
export const ecsFailureOf = (error: unknown): EcsFailure => {
  const tag = tagOf(error)
  if (tag !== null && Object.hasOwn(ecsErrors, tag)) {
    return (ecsErrors as Record<string, (e: unknown) => EcsFailure>)[tag]!(error)
  }
  const failure = failureOf(error)
  return { status: failure.status, code: failure.Code, message: failure.Message }
}

export const ecsErrorBody = (failure: EcsFailure, requestId: string, hostId: string) => ({
  RequestId: requestId,
  HostId: hostId,
  Code: failure.code,
  Message: failure.message,
  Recommend: `https://api.aliyun.com/troubleshoot?q=${encodeURIComponent(failure.code)}&product=Ecs&requestId=${requestId}`
})
