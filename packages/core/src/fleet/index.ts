// The fleet: its file (schema, decoding, generated defaults), the instance model, the live store of instance state
// bound by peer address (and the address parsing it binds by), and the ECS metadata-options operations.
export { type Binding, type BindingOverlap, bindingOverlaps, bindingsOf, fleetOverlaps } from "./BindingRule.ts"
export {
  decodeFleet,
  decodeFleetResult,
  decodeFleetValue,
  decodeInstanceInput,
  type FleetReport,
  fleetJsonSchema,
  fleetReport,
  formatFieldPath
} from "./Fleet.ts"
export { defaultFleet, demoRoleName } from "./FleetDefaults.ts"
export type {
  FleetRuntime,
  InstanceChanges,
  InstanceRuntime,
  RuntimeDrop,
  RuntimeDropReason
} from "./FleetRuntime.ts"
export { type FleetConfig, FleetFile, InstanceInput, RamRoleInput } from "./FleetSchema.ts"
export { FleetStore } from "./FleetStore.ts"
export type { FleetStoreApi } from "./FleetStoreApi.ts"
export { Instance, MetadataOptions, NetworkInterface } from "./Instance.ts"
export {
  defaultWireOptions,
  type InstanceState,
  type RoleState,
  type SystemEvent,
  type WireOptions
} from "./InstanceState.ts"
export { formatIp, type IpAddress, parseIp } from "./IpAddress.ts"
export {
  checkMetadataOptions,
  type InstanceMetadataOptions,
  type ModifyMetadataOptionsRequest,
  parseModifyRequest
} from "./MetadataOptionsApi.ts"
