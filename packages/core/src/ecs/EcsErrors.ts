// What the ECS API endpoint refuses a request with, beyond the core's own errors: authentication, parameters, images
// and instance status. Tagged and carrying data; the server maps each tag to its ECS code, message and HTTP status
// in one table.
import { Schema } from "effect"

/** A parameter the action requires is absent (ECS: `Missing<Name>`). */
export class EcsMissingParameter extends Schema.TaggedError<EcsMissingParameter>()("EcsMissingParameter", {
  name: Schema.String
}) {}

/** A parameter is present but not acceptable; `code` is the action's own code where ECS has one. */
export class EcsInvalidParameter extends Schema.TaggedError<EcsInvalidParameter>()("EcsInvalidParameter", {
  name: Schema.String,
  value: Schema.String,
  code: Schema.NullOr(Schema.String)
}) {}

/** No action of that name (or not for this Version). */
export class EcsUnknownAction extends Schema.TaggedError<EcsUnknownAction>()("EcsUnknownAction", {
  action: Schema.String,
  version: Schema.String
}) {}

/** The request carries no signature, or one that is not of a supported shape. */
export class IncompleteSignature extends Schema.TaggedError<IncompleteSignature>()("EcsIncompleteSignature", {
  reason: Schema.String
}) {}

/** The signature does not match the one computed with the key's secret. */
export class SignatureMismatch extends Schema.TaggedError<SignatureMismatch>()("EcsSignatureMismatch", {
  stringToSign: Schema.String
}) {}

/** The AccessKey id is neither an account key nor a live STS key of the fleet. */
export class AccessKeyNotFound extends Schema.TaggedError<AccessKeyNotFound>()("EcsAccessKeyNotFound", {
  accessKeyId: Schema.String
}) {}

/** An STS key the metadata service handed out whose Expiration has passed on the virtual clock. */
export class SecurityTokenExpired extends Schema.TaggedError<SecurityTokenExpired>()("EcsSecurityTokenExpired", {
  accessKeyId: Schema.String,
  expiredAt: Schema.Number
}) {}

/** An STS key sent without its SecurityToken, or with another key's. */
export class SecurityTokenMismatch extends Schema.TaggedError<SecurityTokenMismatch>()("EcsSecurityTokenMismatch", {
  accessKeyId: Schema.String,
  missing: Schema.Boolean
}) {}

/** The request's timestamp is malformed or outside the accepted window (checked on the wall clock). */
export class TimestampRefused extends Schema.TaggedError<TimestampRefused>()("EcsTimestampRefused", {
  value: Schema.String,
  malformed: Schema.Boolean
}) {}

/** The SignatureNonce was used already within the timestamp window. */
export class NonceUsed extends Schema.TaggedError<NonceUsed>()("EcsNonceUsed", { nonce: Schema.String }) {}

/** RegionId names no region of the emulator's catalogue. */
export class RegionNotFound extends Schema.TaggedError<RegionNotFound>()("EcsRegionNotFound", {
  regionId: Schema.String
}) {}

export class ImageNotFound extends Schema.TaggedError<ImageNotFound>()("EcsImageNotFound", {
  imageId: Schema.String
}) {}

/** ModifyImageAttribute asked to take an image's ImdsSupport from v2 back to v1. */
export class ImdsSupportDowngrade extends Schema.TaggedError<ImdsSupportDowngrade>()("EcsImdsSupportDowngrade", {
  imageId: Schema.String
}) {}

/** HttpTokens=required asked of an image whose ImdsSupport is v1 (when the account refuses it). */
export class ImageNotHardenable extends Schema.TaggedError<ImageNotHardenable>()("EcsImageNotHardenable", {
  imageId: Schema.String
}) {}

/** The instance's Status does not allow the action (start a running one, delete a running one without Force…). */
export class IncorrectInstanceStatus extends Schema.TaggedError<IncorrectInstanceStatus>()(
  "EcsIncorrectInstanceStatus",
  { instanceId: Schema.String, status: Schema.String }
) {}

/** RunInstances found no free 127.0.0.x source address left to bind a new instance to. */
export class NoFreeAddress extends Schema.TaggedError<NoFreeAddress>()("EcsNoFreeAddress", {}) {}

/** Refusals before any action runs. */
export type EcsAuthError =
  | IncompleteSignature
  | SignatureMismatch
  | AccessKeyNotFound
  | SecurityTokenExpired
  | SecurityTokenMismatch
  | TimestampRefused
  | NonceUsed

export type EcsError =
  | EcsAuthError
  | EcsMissingParameter
  | EcsInvalidParameter
  | EcsUnknownAction
  | RegionNotFound
  | ImageNotFound
  | ImdsSupportDowngrade
  | ImageNotHardenable
  | IncorrectInstanceStatus
  | NoFreeAddress
