// The operations of the live fleet store (FleetStore.ts implements them): per-request lookups with sync twins, and
// the admin operations with the ECS-style errors each can fail with.
import type { Effect } from "effect"
import type {
  FleetInvalid,
  InstanceExists,
  InstanceNotFound,
  InvalidMetadataOption,
  RoleNotAttached,
  UnboundPeer
} from "../Errors.ts"
import type { FleetRuntime, RuntimeDrop } from "./FleetRuntime.ts"
import type { FleetConfig, InstanceInput } from "./FleetSchema.ts"
import type { MetadataOptions } from "./Instance.ts"
import type { InstanceState, SystemEvent, WireOptions } from "./InstanceState.ts"
import type { InstanceMetadataOptions, ModifyMetadataOptionsRequest } from "./MetadataOptionsApi.ts"

export interface SystemEventInput {
  readonly eventType: string
  readonly notBeforeMs: number
  /** Defaults to now. */
  readonly publishMs?: number
}

export interface RoleOptions {
  readonly validitySeconds?: number
  readonly overlapSeconds?: number
}

export type NotFound<A> = Effect.Effect<A, InstanceNotFound>

export interface FleetStoreApi {
  readonly resolvePeer: (address: string) => Effect.Effect<InstanceState, UnboundPeer>
  /** Sync form of `resolvePeer` for the request hot path; `undefined` when the peer is refused. */
  readonly resolvePeerUnsafe: (address: string) => InstanceState | undefined
  readonly get: (instanceId: string) => NotFound<InstanceState>
  readonly getUnsafe: (instanceId: string) => InstanceState | undefined
  readonly list: Effect.Effect<ReadonlyArray<InstanceState>>
  /** The current fleet: loaded settings with today's instance models. */
  readonly config: Effect.Effect<FleetConfig>
  readonly add: (input: InstanceInput) => Effect.Effect<InstanceState, InstanceExists | FleetInvalid>
  /** Fails with FleetInvalid for the last instance. */
  readonly remove: (instanceId: string) => Effect.Effect<void, InstanceNotFound | FleetInvalid>
  readonly describeMetadataOptions: (instanceId: string) => NotFound<InstanceMetadataOptions>
  readonly modifyMetadataOptions: (
    request: ModifyMetadataOptionsRequest
  ) => Effect.Effect<InstanceMetadataOptions, InvalidMetadataOption | InstanceNotFound>
  /** Sets (string) or deletes (`null`) the meta-data item at `path` through `overrides`. */
  readonly patch: (
    instanceId: string,
    path: string,
    value: string | null
  ) => Effect.Effect<InstanceState, InstanceNotFound | FleetInvalid>
  readonly attachRole: (
    instanceId: string,
    name: string,
    options?: RoleOptions
  ) => Effect.Effect<InstanceState, InstanceNotFound | FleetInvalid>
  readonly detachRole: (instanceId: string) => NotFound<InstanceState>
  readonly rotateRole: (instanceId: string) => Effect.Effect<InstanceState, InstanceNotFound | RoleNotAttached>
  readonly scheduleSpot: (instanceId: string, atMs: number) => NotFound<InstanceState>
  readonly cancelSpot: (instanceId: string) => NotFound<InstanceState>
  readonly addSystemEvent: (instanceId: string, event: SystemEventInput) => NotFound<SystemEvent>
  readonly clearSystemEvents: (instanceId: string) => NotFound<InstanceState>
  /** Metadata options of instances added from now on (over the file's `defaults`), checked like
   * `modifyMetadataOptions`; the options such an instance gets. */
  readonly modifyDefaultMetadataOptions: (
    request: Omit<ModifyMetadataOptionsRequest, "InstanceId">
  ) => Effect.Effect<MetadataOptions, InvalidMetadataOption>
  /** Back to the loaded config (roles re-anchored at now): every run-time change is gone. */
  readonly reset: Effect.Effect<void>
  /** Serves an already validated config with the run-time changes that still apply on top; returns those dropped. */
  readonly reload: (config: FleetConfig) => Effect.Effect<ReadonlyArray<RuntimeDrop>>
  /** What changed at run time, relative to the loaded config. */
  readonly runtime: Effect.Effect<FleetRuntime>
  /** The loaded config with `runtime` on top (replacing today's run-time changes); returns the entries dropped. */
  readonly restore: (runtime: FleetRuntime) => Effect.Effect<ReadonlyArray<RuntimeDrop>>
  /** The fleet's wire switches, for the request hot path. */
  readonly wireUnsafe: () => WireOptions
  /** sha256(seed + "/ram"): the root of derived RAM keys. */
  readonly credentialSecret: Uint8Array
  /** Bumped by every change: caches of anything fleet-wide key on it. */
  readonly version: Effect.Effect<number>
  readonly versionUnsafe: () => number
}
