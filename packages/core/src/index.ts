// @aliyun-imds/core: the pure domain of the ECS instance metadata service, shared by the server, client and CLI.
// Each concept folder's index.ts is its public face, naming what the concept exports; the package is their union.
export * from "./access/index.ts"
export * from "./clock/index.ts"
export * from "./counters/index.ts"
export * from "./credentials/index.ts"
export {
  defaultMetadataOptions,
  FaultRoute,
  HttpEndpoint,
  HttpTokens,
  InstanceMetadataTags,
  JournalMode,
  SystemEventType
} from "./Enumerations.ts"
export {
  type AccessError,
  type CoreError,
  EndpointDisabled,
  FleetInvalid,
  ForwardedTokenRequest,
  InstanceExists,
  InstanceNotFound,
  InvalidMetadataOption,
  InvalidTtl,
  MethodNotAllowed,
  PathNotFound,
  RoleNotAttached,
  Throttled,
  TokenBadMac,
  type TokenError,
  TokenExpired,
  TokenForeignInstance,
  TokenMalformed,
  TokenRequired,
  UnboundPeer
} from "./Errors.ts"
export * from "./fleet/index.ts"
export * from "./identity/index.ts"
export * from "./journal/index.ts"
export * from "./metadata/index.ts"
export * from "./token/index.ts"
