// The client's typed failures. Each request error carries the HTTP status (0 when none arrived), the path, how many
// attempts were made and the access mode; its message says what to do about it.
import { Schema } from "effect"

/** How a request authenticated: with a session token (hardened mode) or without (normal mode). */
export const AccessMode = Schema.Literals(["token", "normal"])
export type AccessMode = typeof AccessMode.Type

const requestFields = {
  path: Schema.String,
  status: Schema.Number,
  attempts: Schema.Number,
  mode: AccessMode
}

const at = (e: { readonly path: string; readonly attempts: number }) =>
  `${e.path} (${e.attempts} attempt${e.attempts === 1 ? "" : "s"})`

/** 404: the item does not exist for this instance (no role, no user data, IPv6 not assigned…). */
export class NotFound extends Schema.TaggedError<NotFound>()("NotFound", {
  ...requestFields,
  detail: Schema.optionalKey(Schema.String)
}) {
  override get message() {
    return this.detail ?? `${at(this)} does not exist on this instance (404); check the path or the instance's settings`
  }
}

/** 401 twice: the token was refused even after fetching a fresh one. */
export class Unauthorized extends Schema.TaggedError<Unauthorized>()("Unauthorized", requestFields) {
  override get message() {
    return (
      `the session token was refused (401) for ${at(this)}, even after a fresh token: tokens are bound to the ` +
      "instance that asked for them; make sure the endpoint is this instance's own metadata service"
    )
  }
}

/** Why a 403 happened, as far as the client can tell. */
export const ForbiddenReason = Schema.Literals(["normalModeRefused", "tokenRequestRefused", "endpointDisabled"])
export type ForbiddenReason = typeof ForbiddenReason.Type

const forbiddenAdvice: Record<ForbiddenReason, string> = {
  normalModeRefused:
    "normal-mode access is refused: this instance requires tokens (HttpTokens=required); use mode 'token'",
  tokenRequestRefused:
    "the token request was refused: the metadata endpoint is disabled (HttpEndpoint=disabled) or a proxy added " +
    "X-Forwarded-For; enable the endpoint with ModifyInstanceMetadataOptions and call it directly",
  endpointDisabled:
    "metadata access is forbidden: the endpoint is disabled for this instance (HttpEndpoint=disabled); enable it " +
    "with ModifyInstanceMetadataOptions"
}

/** 403: normal mode refused, endpoint disabled, or a proxied token request. */
export class Forbidden extends Schema.TaggedError<Forbidden>()("Forbidden", {
  ...requestFields,
  reason: ForbiddenReason
}) {
  override get message() {
    return `${forbiddenAdvice[this.reason]} [403 on ${at(this)}]`
  }
}

/** 429 on every attempt. */
export class Throttled extends Schema.TaggedError<Throttled>()("Throttled", requestFields) {
  override get message() {
    return (
      `throttled (429) on ${at(this)}: the metadata service limits request rates; cache rarely-changing items ` +
      "such as instance-id, or allow more attempts (maxAttempts, totalTimeoutMs)"
    )
  }
}

/** 5xx on every attempt. */
export class ServerError extends Schema.TaggedError<ServerError>()("ServerError", {
  ...requestFields,
  detail: Schema.optionalKey(Schema.String)
}) {
  override get message() {
    const base = `the metadata service failed with ${this.status} on ${at(this)}; retry later`
    return this.detail === undefined ? base : `${base}. ${this.detail}`
  }
}

/** No answer in time: one attempt's deadline (`attempt`) or the request's whole budget (`total`). */
export class Timeout extends Schema.TaggedError<Timeout>()("Timeout", {
  ...requestFields,
  budget: Schema.Literals(["attempt", "total"]),
  timeoutMs: Schema.Number
}) {
  override get message() {
    const what = this.budget === "total" ? "the request budget (totalTimeoutMs)" : "the per-attempt deadline"
    return (
      `no answer for ${at(this)} within ${what} of ${this.timeoutMs} ms: the endpoint is reachable only from ` +
      "inside an ECS instance (a firewall may drop the traffic); raise connectTimeoutMs/readTimeoutMs if it is slow"
    )
  }
}

/** The connection failed (refused, reset, DNS…) on every attempt. */
export class Transport extends Schema.TaggedError<Transport>()("Transport", {
  ...requestFields,
  cause: Schema.String
}) {
  override get message() {
    return (
      `cannot reach the metadata service for ${at(this)}: ${this.cause}; it answers only inside an ECS instance, ` +
      "so elsewhere set ALIBABA_CLOUD_IMDS_ENDPOINT (or the endpoint option) to an emulator"
    )
  }
}

/** An unexpected status (400, 405…) or a body that does not decode as the item's documented format. */
export class InvalidResponse extends Schema.TaggedError<InvalidResponse>()("InvalidResponse", {
  ...requestFields,
  detail: Schema.String
}) {
  override get message() {
    return `unexpected response for ${at(this)} (status ${this.status}): ${this.detail}`
  }
}

/** A client option or argument is invalid; raised before any request is sent. */
export class InvalidOptions extends Schema.TaggedError<InvalidOptions>()("InvalidOptions", {
  field: Schema.String,
  detail: Schema.String
}) {
  override get message() {
    return `invalid IMDS client option ${this.field}: ${this.detail}`
  }
}

/** Everything a metadata request can fail with. */
export type ImdsError =
  | NotFound
  | Unauthorized
  | Forbidden
  | Throttled
  | ServerError
  | Timeout
  | Transport
  | InvalidResponse
