import { Schema } from "effect";
declare const InvalidTtl_base: Schema.Class<InvalidTtl, Schema.TaggedStruct<"InvalidTtl", {
    readonly value: Schema.NullOr<Schema.String>;
}>, import("effect/Cause").YieldableError>;
/** TTL header missing, not a plain integer, or outside 1..21600. */
export declare class InvalidTtl extends InvalidTtl_base {
}
declare const ForwardedTokenRequest_base: Schema.Class<ForwardedTokenRequest, Schema.TaggedStruct<"ForwardedTokenRequest", {
    readonly forwardedFor: Schema.String;
}>, import("effect/Cause").YieldableError>;
/** Token PUT carried `X-Forwarded-For`: the service refuses proxied token requests. */
export declare class ForwardedTokenRequest extends ForwardedTokenRequest_base {
}
declare const TokenMalformed_base: Schema.Class<TokenMalformed, Schema.TaggedStruct<"TokenMalformed", {
    readonly reason: Schema.String;
}>, import("effect/Cause").YieldableError>;
/** The token is not something this service could have issued (wrong shape, length or encoding). */
export declare class TokenMalformed extends TokenMalformed_base {
}
declare const TokenBadMac_base: Schema.Class<TokenBadMac, Schema.TaggedStruct<"TokenBadMac", {}>, import("effect/Cause").YieldableError>;
/** The token is well formed but its MAC does not match any accepted key (tampered, or key rotated away). */
export declare class TokenBadMac extends TokenBadMac_base {
}
declare const TokenExpired_base: Schema.Class<TokenExpired, Schema.TaggedStruct<"TokenExpired", {
    readonly expiresAt: Schema.Number;
    readonly now: Schema.Number;
}>, import("effect/Cause").YieldableError>;
/** The token's expiry has been reached on the virtual clock (`now >= expiresAt`). */
export declare class TokenExpired extends TokenExpired_base {
}
declare const TokenForeignInstance_base: Schema.Class<TokenForeignInstance, Schema.TaggedStruct<"TokenForeignInstance", {
    readonly tokenInstanceId: Schema.String;
    readonly callerInstanceId: Schema.String;
}>, import("effect/Cause").YieldableError>;
/** The token was issued to another instance. */
export declare class TokenForeignInstance extends TokenForeignInstance_base {
}
declare const TokenRequired_base: Schema.Class<TokenRequired, Schema.TaggedStruct<"TokenRequired", {
    readonly instanceId: Schema.String;
}>, import("effect/Cause").YieldableError>;
/** A token-less (normal mode) request while HttpTokens=required. */
export declare class TokenRequired extends TokenRequired_base {
}
declare const EndpointDisabled_base: Schema.Class<EndpointDisabled, Schema.TaggedStruct<"EndpointDisabled", {
    readonly instanceId: Schema.String;
}>, import("effect/Cause").YieldableError>;
/** HttpEndpoint=disabled: the instance's metadata endpoint refuses everything. */
export declare class EndpointDisabled extends EndpointDisabled_base {
}
declare const MethodNotAllowed_base: Schema.Class<MethodNotAllowed, Schema.TaggedStruct<"MethodNotAllowed", {
    readonly method: Schema.String;
    readonly allow: Schema.$Array<Schema.String>;
}>, import("effect/Cause").YieldableError>;
/** The path exists but not for this method (e.g. GET on the token path, PUT on a metadata path). */
export declare class MethodNotAllowed extends MethodNotAllowed_base {
}
declare const PathNotFound_base: Schema.Class<PathNotFound, Schema.TaggedStruct<"PathNotFound", {
    readonly path: Schema.String;
}>, import("effect/Cause").YieldableError>;
/** No such metadata path for this instance (includes items absent for this instance, like `ram/` without a role). */
export declare class PathNotFound extends PathNotFound_base {
}
declare const UnboundPeer_base: Schema.Class<UnboundPeer, Schema.TaggedStruct<"UnboundPeer", {
    readonly address: Schema.String;
}>, import("effect/Cause").YieldableError>;
/** The caller's source address matches no instance and the fleet refuses unmatched peers. */
export declare class UnboundPeer extends UnboundPeer_base {
}
declare const InstanceNotFound_base: Schema.Class<InstanceNotFound, Schema.TaggedStruct<"InstanceNotFound", {
    readonly instanceId: Schema.String;
}>, import("effect/Cause").YieldableError>;
/** Admin or fleet operation named an instance that does not exist (ECS code `InvalidInstanceId.NotFound`). */
export declare class InstanceNotFound extends InstanceNotFound_base {
}
declare const InstanceExists_base: Schema.Class<InstanceExists, Schema.TaggedStruct<"InstanceExists", {
    readonly instanceId: Schema.String;
}>, import("effect/Cause").YieldableError>;
/** An instance id that already exists was added again. */
export declare class InstanceExists extends InstanceExists_base {
}
declare const InvalidMetadataOption_base: Schema.Class<InvalidMetadataOption, Schema.TaggedStruct<"InvalidMetadataOption", {
    readonly code: Schema.String;
    readonly message: Schema.String;
}>, import("effect/Cause").YieldableError>;
/** A metadata option value the ECS API would reject (`InvalidHttpTokens.NotSupported`, …). */
export declare class InvalidMetadataOption extends InvalidMetadataOption_base {
}
declare const FleetInvalid_base: Schema.Class<FleetInvalid, Schema.TaggedStruct<"FleetInvalid", {
    readonly path: Schema.String;
    readonly message: Schema.String;
}>, import("effect/Cause").YieldableError>;
/** A fleet file (or patch) failed validation; `path` names the offending field, `message` what is wrong. */
export declare class FleetInvalid extends FleetInvalid_base {
}
declare const RoleNotAttached_base: Schema.Class<RoleNotAttached, Schema.TaggedStruct<"RoleNotAttached", {
    readonly instanceId: Schema.String;
}>, import("effect/Cause").YieldableError>;
/** A RAM operation needs a role but none is attached. */
export declare class RoleNotAttached extends RoleNotAttached_base {
}
declare const Throttled_base: Schema.Class<Throttled, Schema.TaggedStruct<"Throttled", {
    readonly instanceId: Schema.String;
    readonly retryAfterMs: Schema.Number;
}>, import("effect/Cause").YieldableError>;
/** A request to the data plane refused by the throttle (token bucket). */
export declare class Throttled extends Throttled_base {
}
/** Token refusal reasons, in the order they are checked. */
export type TokenError = TokenMalformed | TokenBadMac | TokenExpired | TokenForeignInstance;
/** Everything the data plane can refuse a request with. */
export type AccessError = InvalidTtl | ForwardedTokenRequest | TokenError | TokenRequired | EndpointDisabled | MethodNotAllowed | PathNotFound | UnboundPeer | Throttled;
/** Every core error. */
export type CoreError = AccessError | InstanceNotFound | InstanceExists | InvalidMetadataOption | FleetInvalid | RoleNotAttached;
export {};
//# sourceMappingURL=Errors.d.ts.map