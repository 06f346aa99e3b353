// Pure transitions of one instance's live state (role schedule, spot reclaim, system events, overrides). The store
// stamps each result with a fresh revision; nothing here reads time or mutates.
import type { Instance, RamRole } from "./Instance.ts"
import type { InstanceState, RoleState, SystemEvent } from "./InstanceState.ts"

export type Transition = (state: InstanceState) => InstanceState

/** A role attached at `nowMs` starts a new credential series. */
export const roleStateOf = (role: RamRole, nowMs: number): RoleState => ({
  ...role,
  anchorMs: nowMs,
  generation: 0,
  retired: []
})

/** Retired series remembered at most; a test rotating faster than keys expire forgets the oldest beyond this. */
export const maxRetiredSeries = 64

export const initialState = (instance: Instance, nowMs: number, revision: number): InstanceState => ({
  instance,
  role: instance.ramRole === null ? null : roleStateOf(instance.ramRole, nowMs),
  spotTerminationMs: null,
  systemEvents: [],
  revision
})

const withInstance = (state: InstanceState, change: Partial<Instance>): InstanceState => ({
  ...state,
  instance: { ...state.instance, ...change }
})

export const attachRole =
  (role: RamRole, nowMs: number): Transition =>
  (state) => ({ ...withInstance(state, { ramRole: role }), role: roleStateOf(role, nowMs) })

export const detachRole: Transition = (state) => ({ ...withInstance(state, { ramRole: null }), role: null })

/**
 * Forced rotation: a new series from now, with a new generation so the keys differ. The ended series is kept while
 * any key it handed out is unexpired (its last one expires at most one validity after the rotation).
 */
export const rotateRole =
  (role: RoleState, nowMs: number): Transition =>
  (state) => {
    const ended = { generation: role.generation, anchorMs: role.anchorMs, endedMs: nowMs }
    const retired = [ended, ...role.retired]
      .filter((series) => series.endedMs + role.validitySeconds * 1000 > nowMs)
      .slice(0, maxRetiredSeries)
    return { ...state, role: { ...role, anchorMs: nowMs, generation: role.generation + 1, retired } }
  }

/** Only spot instances are reclaimed, so scheduling one makes the instance a spot instance. */
export const scheduleSpot =
  (atMs: number): Transition =>
  (state) => ({ ...withInstance(state, { spot: true }), spotTerminationMs: atMs })

export const cancelSpot: Transition = (state) => ({ ...state, spotTerminationMs: null })

export const addSystemEvent =
  (event: SystemEvent): Transition =>
  (state) => ({ ...state, systemEvents: [...state.systemEvents, event] })

export const clearSystemEvents: Transition = (state) => ({ ...state, systemEvents: [] })

export const setOverride =
  (path: string, value: string | null): Transition =>
  (state) =>
    withInstance(state, { overrides: { ...state.instance.overrides, [path]: value } })

export const setMetadataOptions =
  (options: Instance["metadataOptions"]): Transition =>
  (state) =>
    withInstance(state, { metadataOptions: options })
