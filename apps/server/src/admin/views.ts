// JSON views of live instance state shared by several admin routes (role, credentials, events, metadata options),
// each with the Schema the OpenAPI document and a typed client read. Times are ISO 8601 in UTC.
import {
  anyInstance,
  type FleetStoreApi,
  type InstanceState,
  type RamCredential,
  type RoleState,
  type SystemEvent,
  utcSeconds
} from "@aliyun-imds/core"
import { Effect, Schema } from "effect"
import { isoTime } from "./time.ts"

/** Path value naming the fleet's default instance wherever an instance id is expected. */
export const defaultAlias = "default"

export const instanceIdOf = (fleet: FleetStoreApi, id: string): Effect.Effect<string> =>
  id === defaultAlias ? Effect.map(fleet.config, (c) => c.defaultInstanceId) : Effect.succeed(id)

export const stateOf = (fleet: FleetStoreApi, id: string) => Effect.flatMap(instanceIdOf(fleet, id), fleet.get)

/** The id of an instance that must exist (named by id or `default`); InstanceNotFound otherwise. */
export const existingInstanceId = (fleet: FleetStoreApi, id: string) =>
  Effect.map(stateOf(fleet, id), (s) => s.instance.instanceId)

/** A throttle or fault rule's target: every instance (`*`, also when absent) or one that exists. */
export const ruleTarget = (fleet: FleetStoreApi, target: string | undefined) =>
  target === undefined || target === anyInstance ? Effect.succeed(anyInstance) : existingInstanceId(fleet, target)

export const MetadataOptionsView = Schema.Struct({
  InstanceId: Schema.String,
  HttpEndpoint: Schema.Literals(["enabled", "disabled"]),
  HttpTokens: Schema.Literals(["optional", "required"]),
  InstanceMetadataTags: Schema.Literals(["enabled", "disabled"])
}).annotate({ identifier: "MetadataOptions", description: "As ECS DescribeInstances reports MetadataOptions." })

export const RoleView = Schema.Struct({
  name: Schema.String,
  validitySeconds: Schema.Finite,
  overlapSeconds: Schema.Finite,
  /** Bumped by every forced rotation. */
  generation: Schema.Finite,
  seriesStart: Schema.String
}).annotate({ identifier: "Role", description: "The attached RAM role and the start of its credential series." })

export const roleView = (role: RoleState): typeof RoleView.Type => ({
  name: role.name,
  validitySeconds: role.validitySeconds,
  overlapSeconds: role.overlapSeconds,
  generation: role.generation,
  seriesStart: isoTime(role.anchorMs)
})

export const CredentialView = Schema.Struct({
  AccessKeyId: Schema.String,
  AccessKeySecret: Schema.String,
  SecurityToken: Schema.String,
  Expiration: Schema.String,
  LastUpdated: Schema.String
}).annotate({
  identifier: "Credential",
  description: "RAM credentials, named and timed as the metadata JSON has them."
})

export const credentialView = (c: RamCredential): typeof CredentialView.Type => ({
  AccessKeyId: c.accessKeyId,
  AccessKeySecret: c.accessKeySecret,
  SecurityToken: c.securityToken,
  Expiration: utcSeconds(c.expirationMs),
  LastUpdated: utcSeconds(c.lastUpdatedMs)
})

export const EventView = Schema.Struct({
  eventId: Schema.String,
  eventType: Schema.String,
  publishTime: Schema.String,
  notBefore: Schema.String
}).annotate({ identifier: "SystemEvent" })

export const eventView = (e: SystemEvent): typeof EventView.Type => ({
  eventId: e.eventId,
  eventType: e.eventType,
  publishTime: isoTime(e.publishMs),
  notBefore: isoTime(e.notBeforeMs)
})

export const InstanceSummary = Schema.Struct({
  instanceId: Schema.String,
  isDefault: Schema.Boolean,
  sourceAddresses: Schema.Array(Schema.String),
  regionId: Schema.String,
  zoneId: Schema.String,
  hostname: Schema.String,
  metadataOptions: MetadataOptionsView,
  role: Schema.NullOr(Schema.String),
  spotTerminationTime: Schema.NullOr(Schema.String),
  systemEvents: Schema.Array(EventView)
}).annotate({ identifier: "InstanceSummary" })

export const instanceSummary = (state: InstanceState, defaultId: string): typeof InstanceSummary.Type => {
  const i = state.instance
  return {
    instanceId: i.instanceId,
    isDefault: i.instanceId === defaultId,
    sourceAddresses: i.sourceAddresses,
    regionId: i.regionId,
    zoneId: i.zoneId,
    hostname: i.hostname,
    metadataOptions: { InstanceId: i.instanceId, ...i.metadataOptions },
    role: state.role?.name ?? null,
    spotTerminationTime: state.spotTerminationMs === null ? null : isoTime(state.spotTerminationMs),
    systemEvents: state.systemEvents.map(eventView)
  }
}
