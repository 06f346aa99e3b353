// @aliyun-imds/admin-api: the emulator's admin API declared once, as data — each operation's method, path and
// Schemas — plus the OpenAPI document derived from it. Pure: no I/O.
export {
  AdminContract,
  type AdminHandlerRequest,
  type AdminHandlerResult,
  type AdminInput,
  type AdminOutput,
  type OperationId,
  operationIds
} from "./Contract.ts"
export { ErrorBody } from "./Errors.ts"
export { openApiDocument } from "./OpenApi.ts"
export {
  type ErrorStatus,
  fillPath,
  type HandlerRequest,
  type HandlerResult,
  honoPath,
  type Input,
  type JsonSuccess,
  type Method,
  type Operation,
  type Output,
  openApiPath,
  pathParams,
  type RawSuccess
} from "./Operation.ts"
export {
  AuditGroupView,
  AuditInstanceView,
  AuditQueryParams,
  AuditResponse,
  AuditSince,
  auditSinceMs
} from "./operations/Audit.ts"
export { AdvanceClockRequest, ClockView, SetClockRequest } from "./operations/Clock.ts"
export {
  EcsAction,
  EcsApiView,
  EcsCallerView,
  EcsCallsQuery,
  EcsCallsResponse,
  EcsCallView
} from "./operations/EcsApi.ts"
export { AddEventRequest, EventAdded, EventList, ScheduleSpotRequest, SpotStatus } from "./operations/Events.ts"
export {
  AddFaultRequest,
  FaultParams,
  FaultRuleList,
  FaultRuleResponse,
  FaultRuleView,
  FaultsRemoved
} from "./operations/Faults.ts"
export { FleetStatus, pemContentType, ReloadStatus, ResetRequest } from "./operations/Fleet.ts"
export { AddInstanceRequest, InstanceDetail, InstanceList, RemovedInstance } from "./operations/Instances.ts"
export { MetadataItem, MetadataParams, RenderQuery, SetMetadataRequest } from "./operations/Metadata.ts"
export {
  MetadataOptionsList,
  ModifyFleetMetadataOptionsRequestBody,
  ModifyMetadataOptionsRequestBody,
  metadataOptionFields
} from "./operations/MetadataOptions.ts"
export {
  CallerProcessView,
  CountersQuery,
  CountersResponse,
  InstanceCountersView,
  JournalEntryView,
  JournalQueryParams,
  JournalResponse,
  ProcessMiss
} from "./operations/Observability.ts"
export { AttachRoleRequest, RoleCredentials, RoleStatus, RoleWithCredential } from "./operations/Role.ts"
export {
  SeriesJournalEvent,
  SeriesQueryParams,
  SeriesStreamParams,
  SeriesView,
  SeriesWindowParam
} from "./operations/Series.ts"
export { Health, Info, prometheusContentType } from "./operations/System.ts"
export { ClearThrottleQuery, SetThrottleRequest, ThrottleRules, ThrottleRuleView } from "./operations/Throttle.ts"
export { Done } from "./operations/Tokens.ts"
export {
  DurationInput,
  durationMs,
  InstantInput,
  InstantText,
  instantMs,
  isoTime,
  parseDuration,
  parseInstant
} from "./Time.ts"
export {
  CredentialView,
  defaultAlias,
  EventView,
  InstanceParams,
  InstanceRef,
  InstanceSummary,
  MetadataOptionsView,
  RoleView
} from "./Views.ts"
