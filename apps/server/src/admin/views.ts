// Live instance state as the admin contract's views (role, credentials, events, instance summary), and how handlers
// resolve the instance a request names. Times are ISO 8601 in UTC.
import {
  type CredentialView,
  defaultAlias,
  type EventView,
  type InstanceSummary,
  isoTime,
  type RoleView
} from "@aliyun-imds/admin-api"
import {
  anyInstance,
  type FleetStoreApi,
  type InstanceState,
  type RamCredential,
  type RoleState,
  type SystemEvent,
  utcSeconds
} from "@aliyun-imds/core"
import { Effect } from "effect"

export const instanceIdOf = (fleet: FleetStoreApi, id: string): Effect.Effect<string> =>
  id === defaultAlias ? Effect.map(fleet.config, (c) => c.defaultInstanceId) : Effect.succeed(id)

export const stateOf = (fleet: FleetStoreApi, id: string) => Effect.flatMap(instanceIdOf(fleet, id), fleet.get)

/** The id of an instance that must exist (named by id or `default`); InstanceNotFound otherwise. */
export const existingInstanceId = (fleet: FleetStoreApi, id: string) =>
  Effect.map(stateOf(fleet, id), (s) => s.instance.instanceId)

/** A throttle or fault rule's target: every instance (`*`, also when absent) or one that exists. */
export const ruleTarget = (fleet: FleetStoreApi, target: string | undefined) =>
  target === undefined || target === anyInstance ? Effect.succeed(anyInstance) : existingInstanceId(fleet, target)

export const roleView = (role: RoleState): typeof RoleView.Type => ({
  name: role.name,
  validitySeconds: role.validitySeconds,
  overlapSeconds: role.overlapSeconds,
  generation: role.generation,
  seriesStart: isoTime(role.anchorMs)
})

export const credentialView = (c: RamCredential): typeof CredentialView.Type => ({
  AccessKeyId: c.accessKeyId,
  AccessKeySecret: c.accessKeySecret,
  SecurityToken: c.securityToken,
  Expiration: utcSeconds(c.expirationMs),
  LastUpdated: utcSeconds(c.lastUpdatedMs)
})

export const eventView = (e: SystemEvent): typeof EventView.Type => ({
  eventId: e.eventId,
  eventType: e.eventType,
  publishTime: isoTime(e.publishMs),
  notBefore: isoTime(e.notBeforeMs)
})

export const instanceSummary = (state: InstanceState, defaultId: string): typeof InstanceSummary.Type => {
  const i = state.instance
  return {
    instanceId: i.instanceId,
    isDefault: i.instanceId === defaultId,
    sourceAddresses: i.sourceAddresses,
    regionId: i.regionId,
    zoneId: i.zoneId,
    hostname: i.hostname,
    instanceName: i.instanceName,
    instanceType: i.instanceType,
    metadataOptions: { InstanceId: i.instanceId, ...i.metadataOptions },
    role: state.role?.name ?? null,
    spotTerminationTime: state.spotTerminationMs === null ? null : isoTime(state.spotTerminationMs),
    systemEvents: state.systemEvents.map(eventView)
  }
}
