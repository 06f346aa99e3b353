// Admin-plane failures shaped like ECS API errors (`{ Code, Message, RequestId }`, spec §11): core errors take their
// status from the server's one table (ErrorStatus.ts) and an ECS-style code from the exhaustive table below.
import type { StateNotSaved } from "@aliyun-imds/core"
import { Schema } from "effect"
import { errorStatus, type ServerError } from "../ErrorStatus.ts"

/** A request field (body, query or path) that is present but not acceptable; `field` names it. */
export class InvalidParameter extends Schema.TaggedError<InvalidParameter>()("InvalidParameter", {
  field: Schema.String,
  message: Schema.String
}) {}

/** A required request field is absent. */
export class MissingParameter extends Schema.TaggedError<MissingParameter>()("MissingParameter", {
  field: Schema.String
}) {}

/** No fault rule has this id. */
export class FaultNotFound extends Schema.TaggedError<FaultNotFound>()("FaultNotFound", { id: Schema.String }) {}

export type AdminError = InvalidParameter | MissingParameter | FaultNotFound | StateNotSaved

export const adminErrorStatus = {
  InvalidParameter: 400,
  MissingParameter: 400,
  FaultNotFound: 404,
  StateNotSaved: 500
} as const satisfies Record<AdminError["_tag"], number>

export interface Failure {
  readonly status: number
  readonly Code: string
  readonly Message: string
}

/** ECS code and message of an error: the API's real codes where it has them (spec §11), its naming pattern elsewhere. */
type Described<E extends { readonly _tag: string }> = {
  readonly [K in E["_tag"]]: (e: Extract<E, { _tag: K }>) => readonly [code: string, message: string]
}

const invalid = (field: string, message: string) => `The specified parameter "${field}" is not valid: ${message}.`
const invalidParameter = (field: string, message: string) => ["InvalidParameter", invalid(field, message)] as const

const core: Described<ServerError> = {
  InvalidTtl: (e) => invalidParameter("ttl", `${JSON.stringify(e.value)} is not an integer in 1..21600`),
  ForwardedTokenRequest: () => ["Forbidden.Forwarded", "Token requests through a proxy are refused."],
  TokenMalformed: (e) => ["InvalidToken.Malformed", `The token is malformed: ${e.reason}.`],
  TokenBadMac: () => ["InvalidToken.Signature", "The token signature does not match."],
  TokenExpired: () => ["InvalidToken.Expired", "The token has expired."],
  TokenNotYetValid: () => ["InvalidToken.NotYetValid", "The token was issued later than the current virtual time."],
  TokenForeignInstance: (e) => ["InvalidToken.ForeignInstance", `The token was issued to ${e.tokenInstanceId}.`],
  TokenRequired: (e) => ["Forbidden.TokenRequired", `The instance ${e.instanceId} requires a token.`],
  EndpointDisabled: (e) => ["Forbidden.EndpointDisabled", `The metadata endpoint of ${e.instanceId} is disabled.`],
  MethodNotAllowed: (e) => ["UnsupportedHTTPMethod", `Method ${e.method} is not allowed; use ${e.allow.join(", ")}.`],
  PathNotFound: (e) => ["InvalidPath.NotFound", `The path ${JSON.stringify(e.path)} does not exist for this instance.`],
  UnboundPeer: (e) => ["Forbidden.UnboundPeer", `The address ${e.address} is not bound to any instance.`],
  Throttled: (e) => ["Throttling", `Request was denied due to request throttling; retry after ${e.retryAfterMs} ms.`],
  InstanceNotFound: () => ["InvalidInstanceId.NotFound", "The specified InstanceId is not found."],
  InstanceExists: (e) => ["InvalidInstanceId.Duplicate", `The instance ${e.instanceId} already exists.`],
  InvalidMetadataOption: (e) => [e.code, e.message],
  FleetInvalid: (e) => invalidParameter(e.path, e.message),
  RoleNotAttached: (e) => ["InvalidRamRole.NotAttached", `The instance ${e.instanceId} has no RAM role attached.`],
  InvalidThrottleRule: (e) =>
    invalidParameter(e.field, e.field === "burst" ? "must be a whole number of at least 1" : "must be a positive rate"),
  IdentityPemInvalid: (e) => invalidParameter(e.field, e.reason)
}

const admin: Described<AdminError> = {
  InvalidParameter: (e) => invalidParameter(e.field, e.message),
  MissingParameter: (e) => [
    "MissingParameter",
    `The input parameter "${e.field}" that is mandatory for processing this request is not supplied.`
  ],
  FaultNotFound: (e) => ["InvalidFaultId.NotFound", `The specified fault rule ${JSON.stringify(e.id)} is not found.`],
  StateNotSaved: (e) => [
    "InternalError.StateNotSaved",
    `The change is in force but the state was not saved: ${e.reason}.`
  ]
}

export const internalError: Failure = {
  status: 500,
  Code: "InternalError",
  Message: "The request processing has failed due to some unknown error, exception or failure."
}

const tagOf = (error: unknown): string | null =>
  typeof error === "object" && error !== null && "_tag" in error && typeof error._tag === "string" ? error._tag : null

const describe = <E>(table: object, tag: string, error: unknown): readonly [string, string] =>
  (table as Record<string, (e: E) => readonly [string, string]>)[tag]!(error as E)

/** The failure for any error an admin operation can end with; unknown ones are internal errors (500). */
export const failureOf = (error: unknown): Failure => {
  const tag = tagOf(error)
  if (tag !== null && Object.hasOwn(core, tag)) {
    const [Code, Message] = describe(core, tag, error)
    return { status: errorStatus[tag as ServerError["_tag"]], Code, Message }
  }
  if (tag !== null && Object.hasOwn(admin, tag)) {
    const [Code, Message] = describe(admin, tag, error)
    return { status: adminErrorStatus[tag as AdminError["_tag"]], Code, Message }
  }
  return internalError
}

/** Statuses without a domain error behind them: routing and authentication. */
export const routeNotFound: Failure = {
  status: 404,
  Code: "InvalidAction.NotFound",
  Message: "Specified api is not found, please check your url and method."
}

export const methodNotAllowed = (method: string, allow: ReadonlyArray<string>): Failure => ({
  status: 405,
  Code: "UnsupportedHTTPMethod",
  Message: `Method ${method} is not allowed here; use ${allow.join(", ")}.`
})

export const bodyTooLarge = (limit: number): Failure => ({
  status: 413,
  Code: "RequestBodyTooLarge",
  Message: `The request body is larger than the admin API's limit of ${limit} bytes.`
})

export const unauthorized: Failure = {
  status: 401,
  Code: "InvalidAuthorization",
  Message: "A valid `Authorization: Bearer <admin token>` header is required."
}

/** ECS request ids are upper-case UUIDs. */
export const newRequestId = (): string => globalThis.crypto.randomUUID().toUpperCase()

export const failureResponse = (failure: Failure, requestId: string, headers?: Record<string, string>): Response =>
  Response.json(
    { Code: failure.Code, Message: failure.Message, RequestId: requestId },
    { status: failure.status, ...(headers === undefined ? {} : { headers }) }
  )
