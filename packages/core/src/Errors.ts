// Every domain failure the core can report, as tagged, serialisable errors carrying data (never prose).
// The server maps each `_tag` to one HTTP status in a single exhaustive table.
import { Schema } from "effect"

/** TTL header missing, not a plain integer, or outside 1..21600. */
export class InvalidTtl extends Schema.TaggedError<InvalidTtl>()("InvalidTtl", {
  value: Schema.NullOr(Schema.String)
}) {}

/** Token PUT carried `X-Forwarded-For`: the service refuses proxied token requests. */
export class ForwardedTokenRequest extends Schema.TaggedError<ForwardedTokenRequest>()("ForwardedTokenRequest", {
  forwardedFor: Schema.String
}) {}

/** The token is not something this service could have issued (wrong shape, length or encoding). */
export class TokenMalformed extends Schema.TaggedError<TokenMalformed>()("TokenMalformed", {
  reason: Schema.String
}) {}

/** The token is well formed but its MAC does not match any accepted key (tampered, or key rotated away). */
export class TokenBadMac extends Schema.TaggedError<TokenBadMac>()("TokenBadMac", {}) {}

/** The token's expiry has been reached on the virtual clock (`now >= expiresAt`). */
export class TokenExpired extends Schema.TaggedError<TokenExpired>()("TokenExpired", {
  expiresAt: Schema.Number,
  now: Schema.Number
}) {}

/**
 * The token's issue time is later than now on the virtual clock: the clock was set back past it. A token is valid
 * only inside its life, `issuedAt <= now < expiresAt`; it becomes valid again once the clock reaches its issue time.
 */
export class TokenNotYetValid extends Schema.TaggedError<TokenNotYetValid>()("TokenNotYetValid", {
  issuedAt: Schema.Number,
  now: Schema.Number
}) {}

/** The token was issued to another instance. */
export class TokenForeignInstance extends Schema.TaggedError<TokenForeignInstance>()("TokenForeignInstance", {
  tokenInstanceId: Schema.String,
  callerInstanceId: Schema.String
}) {}

/** A token-less (normal mode) request while HttpTokens=required. */
export class TokenRequired extends Schema.TaggedError<TokenRequired>()("TokenRequired", {
  instanceId: Schema.String
}) {}

/** HttpEndpoint=disabled: the instance's metadata endpoint refuses everything. */
export class EndpointDisabled extends Schema.TaggedError<EndpointDisabled>()("EndpointDisabled", {
  instanceId: Schema.String
}) {}

/** The path exists but not for this method (e.g. GET on the token path, PUT on a metadata path). */
export class MethodNotAllowed extends Schema.TaggedError<MethodNotAllowed>()("MethodNotAllowed", {
  method: Schema.String,
  allow: Schema.Array(Schema.String)
}) {}

/** No such metadata path for this instance (includes items absent for this instance, like `ram/` without a role). */
export class PathNotFound extends Schema.TaggedError<PathNotFound>()("PathNotFound", {
  path: Schema.String
}) {}

/** The caller's source address matches no instance and the fleet refuses unmatched peers. */
export class UnboundPeer extends Schema.TaggedError<UnboundPeer>()("UnboundPeer", {
  address: Schema.String
}) {}

/** Admin or fleet operation named an instance that does not exist (ECS code `InvalidInstanceId.NotFound`). */
export class InstanceNotFound extends Schema.TaggedError<InstanceNotFound>()("InstanceNotFound", {
  instanceId: Schema.String
}) {}

/** An instance id that already exists was added again. */
export class InstanceExists extends Schema.TaggedError<InstanceExists>()("InstanceExists", {
  instanceId: Schema.String
}) {}

/** A metadata option value the ECS API would reject (`InvalidHttpTokens.NotSupported`, …). */
export class InvalidMetadataOption extends Schema.TaggedError<InvalidMetadataOption>()("InvalidMetadataOption", {
  code: Schema.String,
  message: Schema.String
}) {}

/** A fleet file (or patch) failed validation; `path` names the offending field, `message` what is wrong. */
export class FleetInvalid extends Schema.TaggedError<FleetInvalid>()("FleetInvalid", {
  path: Schema.String,
  message: Schema.String
}) {}

/** A RAM operation needs a role but none is attached. */
export class RoleNotAttached extends Schema.TaggedError<RoleNotAttached>()("RoleNotAttached", {
  instanceId: Schema.String
}) {}

/** A request to the data plane refused by the throttle (token bucket). */
export class Throttled extends Schema.TaggedError<Throttled>()("Throttled", {
  instanceId: Schema.String,
  retryAfterMs: Schema.Number
}) {}

/** Token refusal reasons, in the order they are checked. */
export type TokenError = TokenMalformed | TokenBadMac | TokenExpired | TokenNotYetValid | TokenForeignInstance

/** Everything the data plane can refuse a request with. */
export type AccessError =
  | InvalidTtl
  | ForwardedTokenRequest
  | TokenError
  | TokenRequired
  | EndpointDisabled
  | MethodNotAllowed
  | PathNotFound
  | UnboundPeer
  | Throttled

/** Every core error. */
export type CoreError =
  | AccessError
  | InstanceNotFound
  | InstanceExists
  | InvalidMetadataOption
  | FleetInvalid
  | RoleNotAttached
