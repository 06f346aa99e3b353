// Every request and response Schema of the admin API in one place, for the typed admin client and the CLI: a
// success body is the response Schema's fields plus `RequestId`; an error body is `ErrorBody`.
export { ErrorBody } from "./errors.ts"
export { AdvanceClockRequest, ClockView, SetClockRequest } from "./routes/clock.ts"
export { CountersQuery, CountersResponse, InstanceCountersView } from "./routes/counters.ts"
export { AddEventRequest, EventAdded, EventList, ScheduleSpotRequest, SpotStatus } from "./routes/events.ts"
export { AddFaultRequest, FaultRuleList, FaultRuleResponse, FaultRuleView, FaultsRemoved } from "./routes/faults.ts"
export { FleetStatus, ResetRequest } from "./routes/fleet.ts"
export { AddInstanceRequest, InstanceDetail, InstanceList, RemovedInstance } from "./routes/instances.ts"
export { JournalEntryView, JournalQueryParams, JournalResponse } from "./routes/journal.ts"
export { MetadataItem, RenderQuery, SetMetadataRequest } from "./routes/metadata.ts"
export {
  MetadataOptionsList,
  ModifyFleetMetadataOptionsRequestBody,
  ModifyMetadataOptionsRequestBody
} from "./routes/metadataOptions.ts"
export { AttachRoleRequest, RoleCredentials, RoleStatus, RoleWithCredential } from "./routes/role.ts"
export { Health, Info } from "./routes/system.ts"
export { ClearThrottleQuery, SetThrottleRequest, ThrottleRules, ThrottleRuleView } from "./routes/throttle.ts"
export { Done } from "./routes/tokens.ts"
export { DurationInput, InstantInput, InstantText, parseDuration, parseInstant } from "./time.ts"
export {
  CredentialView,
  defaultAlias,
  EventView,
  InstanceSummary,
  MetadataOptionsView,
  RoleView
} from "./views.ts"
