// The one place where domain errors (and a listener's own refusals) become HTTP statuses and short plain-text
// bodies. Exhaustive by type: a new core error without a status here fails to compile.
import type { CoreError, IdentityPemInvalid, InvalidThrottleRule } from "@aliyun-imds/core"

export type ServerError = CoreError | InvalidThrottleRule | IdentityPemInvalid

/** What a listener refuses or fails before or around the pipeline: a target it cannot read, a bug. */
export type ListenerCondition = "BadRequestTarget" | "InternalError"

export const errorStatus = {
  InvalidTtl: 400,
  ForwardedTokenRequest: 403,
  TokenMalformed: 401,
  TokenBadMac: 401,
  TokenExpired: 401,
  TokenNotYetValid: 401,
  TokenForeignInstance: 401,
  TokenRequired: 403,
  EndpointDisabled: 403,
  MethodNotAllowed: 405,
  PathNotFound: 404,
  UnboundPeer: 403,
  Throttled: 429,
  InstanceNotFound: 404,
  InstanceExists: 409,
  InvalidMetadataOption: 400,
  FleetInvalid: 400,
  RoleNotAttached: 409,
  InvalidThrottleRule: 400,
  IdentityPemInvalid: 400,
  BadRequestTarget: 400,
  InternalError: 500
} as const satisfies Record<ServerError["_tag"] | ListenerCondition, number>

/** Plain-text bodies in the words of the service's documentation (spec §10.2: no client parses them). */
export const statusText: Readonly<Record<number, string>> = {
  400: "Missing or Invalid Parameters",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  405: "Method Not Allowed",
  409: "Conflict",
  429: "Too Many Requests",
  500: "Internal Server Error",
  502: "Bad Gateway",
  503: "Service Unavailable",
  504: "Gateway Timeout"
}

export const textFor = (status: number): string => statusText[status] ?? `HTTP ${status}`
