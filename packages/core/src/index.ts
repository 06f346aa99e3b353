// @aliyun-imds/core: the pure domain of the ECS instance metadata service, shared by the server, client and CLI.
// Each concept folder's index.ts is its public face; this file names every export of the package.
export {
  type AccessRequest,
  type AccessSubject,
  anyInstance,
  type Decision,
  decide,
  decideUnsafe,
  FaultAction,
  type FaultOutcome,
  FaultRule,
  FaultRuleInput,
  Faults,
  type FaultsSaved,
  InvalidThrottleRule,
  type TakeResult,
  Throttle,
  type ThrottleRule
} from "./access/index.ts"
export { type ClockSettings, type ClockState, utcSeconds, VirtualClock } from "./clock/index.ts"
export {
  type CounterEvent,
  CounterEvents,
  Counters,
  type CountersSaved,
  type CountersSnapshot,
  escapeLabelValue,
  type InstanceCounters,
  refusalEvent,
  type SavedCounters,
  tokenRefusalReasons
} from "./counters/index.ts"
export {
  type CredentialSeries,
  credentialAt,
  credentialIndexAt,
  credentialsAt,
  currentCredentials,
  isCredentialValid,
  type RamCredential,
  renderCredentials,
  validCredentialsAt
} from "./credentials/index.ts"
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
export {
  decodeFleet,
  decodeFleetResult,
  decodeFleetValue,
  decodeInstanceInput,
  defaultFleet,
  defaultWireOptions,
  demoRoleName,
  type FleetConfig,
  FleetFile,
  type FleetRuntime,
  FleetStore,
  type FleetStoreApi,
  fleetJsonSchema,
  formatFieldPath,
  formatIp,
  Instance,
  type InstanceChanges,
  InstanceInput,
  type InstanceMetadataOptions,
  type InstanceRuntime,
  type InstanceState,
  type IpAddress,
  MetadataOptions,
  type ModifyMetadataOptionsRequest,
  NetworkInterface,
  parseIp,
  parseModifyRequest,
  RamRoleInput,
  type RoleState,
  type RuntimeDrop,
  type RuntimeDropReason,
  type SystemEvent,
  type WireOptions
} from "./fleet/index.ts"
export {
  Identity,
  type IdentityPem,
  IdentityPemInvalid,
  type Pkcs7Verification,
  verifyPkcs7,
  withAudience
} from "./identity/index.ts"
export {
  type AuditGroup,
  type AuditPath,
  type AuditQuery,
  auditOf,
  type CallerProcess,
  Journal,
  type JournalEntry,
  type JournalQuery,
  labelOf,
  type ProcessMiss,
  processMisses
} from "./journal/index.ts"
export {
  identityDocument,
  type MetadataPath,
  parsePath,
  publishedEvents,
  type RenderContext,
  type Resolved,
  renderSystemEvents,
  resolve,
  resolveNow,
  spotTerminationTime,
  versions
} from "./metadata/index.ts"
export {
  captureState,
  type DurableServices,
  type DurableStateApi,
  decodeStateDocumentResult,
  encodeStateDocument,
  type MemoryStateStore,
  makeDurableState,
  makeMemoryStateStore,
  memoryStateStoreLayer,
  restoreState,
  type StateChange,
  StateDocument,
  StateInvalid,
  type StateLoadError,
  StateNotSaved,
  type StateSection,
  StateStore,
  type StateStoreApi,
  StateTooNew,
  StateUnreadable,
  stateJsonSchema,
  stateSections,
  stateVersion
} from "./state/index.ts"
export {
  type IssuedToken,
  maxTtlSeconds,
  minTtlSeconds,
  type NonceSource,
  parseTtl,
  parseTtlResult,
  type TokenKeyState,
  type TokenOptions,
  TokenSigner,
  Tokens,
  type VerifiedToken
} from "./token/index.ts"
