// What the admin plane changed of the fleet at run time, relative to the fleet file: instances added and removed, each
// instance's changed options, overrides and role, and what only lives at run time (credential series, spot reclaim,
// system events). The store captures it (to persist, or to keep across a reload) and applies it on top of a fleet.
import type { Instance, MetadataOptions, RamRole } from "./Instance.ts"
import type { RoleState, SystemEvent } from "./InstanceState.ts"

/** The fields of a fleet-file instance the admin plane changed; absent ones keep the file's value. */
export interface InstanceChanges {
  /** Only the options that differ from the file's. */
  readonly metadataOptions?: Partial<MetadataOptions>
  /** Only the items set or deleted (`null`) at run time. */
  readonly overrides?: Readonly<Record<string, string | null>>
  readonly ramRole?: RamRole | null
  readonly spot?: boolean
}

/** One instance's run-time state. */
export interface InstanceRuntime {
  /** Empty for instances added at run time: their model is kept whole in `FleetRuntime.added`. */
  readonly changes: InstanceChanges
  /** The attached role's credential series, so the same keys keep being served. */
  readonly role: RoleState | null
  readonly spotTerminationMs: number | null
  readonly systemEvents: ReadonlyArray<SystemEvent>
}

export interface FleetRuntime {
  /** Instances of the fleet file removed at run time. */
  readonly removed: ReadonlyArray<string>
  /** Instances added at run time, as they are now. */
  readonly added: ReadonlyArray<Instance>
  /** By instance id; instances with nothing of their own are left out. */
  readonly instances: Readonly<Record<string, InstanceRuntime>>
  /** The default instance, when removing the file's default moved it; null otherwise. */
  readonly defaultInstanceId: string | null
  /** Metadata options of instances added from now on, where they differ from the file's `defaults`. */
  readonly defaultMetadataOptions: Partial<MetadataOptions>
  /** Generation index of the next added instance and number of system events created: neither repeats an id. */
  readonly nextIndex: number
  readonly eventCount: number
}

/** Why an entry of a run-time state could not be applied to a fleet (it is dropped, the rest applies). */
export type RuntimeDropReason =
  /** The entry names an instance the fleet does not have (any more). */
  | "instance-gone"
  /** An instance added at run time has an id the fleet now has. */
  | "instance-exists"
  /** An instance added at run time has a source address another instance now has. */
  | "address-taken"
  /** Removing it would leave the fleet without instances. */
  | "last-instance"
  /** The instance's role is not the one the credential series was for: a new series starts. */
  | "role-changed"
  /** A meta-data override whose path is not a meta-data path. */
  | "invalid-path"

export interface RuntimeDrop {
  /** Where the entry sits in the run-time state, e.g. `removed[0]`, `added[1]`, `instances.i-abc.role`. */
  readonly entry: string
  readonly instanceId: string
  readonly reason: RuntimeDropReason
}

export const emptyFleetRuntime: FleetRuntime = {
  removed: [],
  added: [],
  instances: {},
  defaultInstanceId: null,
  defaultMetadataOptions: {},
  nextIndex: 0,
  eventCount: 0
}

/** The entries of `live` that `base` does not have with the same value. */
export const changedEntries = <V>(
  base: Readonly<Record<string, V>>,
  live: Readonly<Record<string, V>>
): Record<string, V> => Object.fromEntries(Object.entries(live).filter(([key, value]) => base[key] !== value))

const sameRole = (a: RamRole | null, b: RamRole | null): boolean =>
  a === b ||
  (a !== null &&
    b !== null &&
    a.name === b.name &&
    a.validitySeconds === b.validitySeconds &&
    a.overlapSeconds === b.overlapSeconds)

/** What the admin plane changed of a fleet-file instance (`base`) to make it `live`. */
export const instanceChanges = (base: Instance, live: Instance): InstanceChanges => {
  const metadataOptions = changedEntries(base.metadataOptions, live.metadataOptions)
  const overrides = changedEntries(base.overrides, live.overrides)
  return {
    ...(Object.keys(metadataOptions).length === 0 ? {} : { metadataOptions }),
    ...(Object.keys(overrides).length === 0 ? {} : { overrides }),
    ...(sameRole(base.ramRole, live.ramRole) ? {} : { ramRole: live.ramRole }),
    ...(base.spot === live.spot ? {} : { spot: live.spot })
  }
}

/** `instance` with `changes` on top. */
export const withChanges = (instance: Instance, changes: InstanceChanges): Instance => ({
  ...instance,
  metadataOptions: { ...instance.metadataOptions, ...changes.metadataOptions },
  overrides: { ...instance.overrides, ...changes.overrides },
  ramRole: changes.ramRole === undefined ? instance.ramRole : changes.ramRole,
  spot: changes.spot ?? instance.spot
})

/** The saved series when it is for `role`; otherwise null (a new series starts). */
export const continuedSeries = (role: RamRole | null, saved: RoleState | null): RoleState | null =>
  role !== null && saved !== null && sameRole(role, saved)
    ? { ...role, anchorMs: saved.anchorMs, generation: saved.generation, retired: saved.retired }
    : null
