// The live fleet: one InstanceState per instance, the loaded FleetConfig and its compiled peer binding. Admin
// operations replace states (each with a fresh revision) and bump `version`; per-request lookups are sync Map hits.
import { Clock, Context, Effect, Layer, Result } from "effect"
import { defaultMetadataOptions } from "../Enumerations.ts"
import { FleetInvalid, InstanceExists, InstanceNotFound, RoleNotAttached, UnboundPeer } from "../Errors.ts"
import { validateInstanceInput, validateRamRole } from "./Fleet.ts"
import { compileBinding, type PeerMatcher } from "./FleetBinding.ts"
import { checkUniqueAddresses, isValidOverridePath } from "./FleetChecks.ts"
import { defaultFleet, type FleetContext, makeFleetContext, resolveInstance, resolveRole } from "./FleetDefaults.ts"
import { resourceId } from "./FleetNetwork.ts"
import {
  changedEntries,
  continuedSeries,
  type FleetRuntime,
  type InstanceRuntime,
  instanceChanges,
  type RuntimeDrop,
  withChanges
} from "./FleetRuntime.ts"
import type { FleetConfig, InstanceInput } from "./FleetSchema.ts"
import type { FleetStoreApi, NotFound, RoleOptions, SystemEventInput } from "./FleetStoreApi.ts"
import * as Ops from "./FleetStoreState.ts"
import type { Instance, MetadataOptions } from "./Instance.ts"
import type { InstanceState, SystemEvent } from "./InstanceState.ts"
import {
  type InstanceMetadataOptions,
  type ModifyMetadataOptionsRequest,
  parseModifyRequest
} from "./MetadataOptionsApi.ts"
import { makeRandom, sha256Text } from "./SeededRandom.ts"

export type { FleetStoreApi, RoleOptions, SystemEventInput } from "./FleetStoreApi.ts"

interface Fleet {
  settings: Omit<FleetConfig, "instances">
  context: FleetContext
  states: Map<string, InstanceState>
  binding: PeerMatcher
  secret: Uint8Array
  /** Generation index of the next added instance; never reused, so removed ids do not come back. */
  nextIndex: number
  eventCount: number
}

export class FleetStore extends Context.Service<FleetStore, FleetStoreApi>()("@aliyun-imds/core/FleetStore") {
  static readonly layer = (config: FleetConfig): Layer.Layer<FleetStore> =>
    Layer.effect(
      FleetStore,
      Effect.map(Clock.currentTimeMillis, (now) => makeStore(config, now))
    )
  static readonly layerDefault: Layer.Layer<FleetStore> = Layer.suspend(() => FleetStore.layer(defaultFleet()))
}

const makeStore = (loaded: FleetConfig, startMs: number): FleetStoreApi => {
  let source = loaded
  let revision = 0
  let version = 0
  const load = (config: FleetConfig, nowMs: number): Fleet => {
    const { instances, ...settings } = config
    const states = new Map(instances.map((i) => [i.instanceId, Ops.initialState(i, nowMs, ++revision)]))
    return {
      settings,
      context: makeFleetContext(config.seed, config.defaults),
      states,
      binding: compileBinding(config),
      secret: sha256Text(`${config.seed}/ram`),
      nextIndex: instances.length,
      eventCount: 0
    }
  }
  let fleet = load(loaded, startMs)
  const snapshot = (): FleetConfig => ({
    ...fleet.settings,
    instances: [...fleet.states.values()].map((s) => s.instance)
  })
  const rebind = () => {
    fleet.binding = compileBinding(snapshot())
  }
  const store = (state: InstanceState): InstanceState => {
    const next = { ...state, revision: ++revision }
    fleet.states.set(next.instance.instanceId, next)
    version++
    return next
  }
  const getUnsafe = (id: string) => fleet.states.get(id)
  const get = (id: string): NotFound<InstanceState> =>
    Effect.suspend(() => {
      const state = fleet.states.get(id)
      return state === undefined ? Effect.fail(new InstanceNotFound({ instanceId: id })) : Effect.succeed(state)
    })
  const update = (id: string, transition: (now: number) => Ops.Transition) =>
    Effect.flatMap(get(id), (state) => Effect.map(Clock.currentTimeMillis, (now) => store(transition(now)(state))))
  const resolvePeerUnsafe = (address: string) => {
    const id = fleet.binding(address)
    return id === null ? undefined : fleet.states.get(id)
  }
  const describe = (state: InstanceState): InstanceMetadataOptions => ({
    InstanceId: state.instance.instanceId,
    ...state.instance.metadataOptions
  })

  const add = Effect.fn("FleetStore.add")(function* (raw: InstanceInput) {
    const input = yield* Effect.fromResult(validateInstanceInput(raw))
    const instance = resolveInstance(input, fleet.context, fleet.nextIndex)
    if (fleet.states.has(instance.instanceId)) {
      return yield* new InstanceExists({ instanceId: instance.instanceId })
    }
    const others = [...fleet.states.values()].map((s) => s.instance)
    const clash = checkUniqueAddresses([...others, instance], (i) =>
      i === others.length ? "instance" : `instances[${i}]`
    )
    if (clash !== null) return yield* clash
    fleet.nextIndex++
    const state = store(Ops.initialState(instance, yield* Clock.currentTimeMillis, 0))
    rebind()
    return state
  })

  // A fleet always keeps one instance: with none, every request would be refused and nothing left to edit.
  const remove = (id: string) =>
    Effect.flatMap(get(id), () => {
      if (fleet.states.size === 1) {
        return Effect.fail(
          new FleetInvalid({ path: "instanceId", message: `${id} is the last instance; add another first` })
        )
      }
      fleet.states.delete(id)
      if (fleet.settings.defaultInstanceId === id) {
        const first = fleet.states.keys().next()
        if (first.done !== true) fleet.settings = { ...fleet.settings, defaultInstanceId: first.value }
      }
      version++
      rebind()
      return Effect.void
    })

  // Like the ECS API, parameter values are checked before the instance is looked up.
  const modifyMetadataOptions = (request: ModifyMetadataOptionsRequest) => {
    const changes = parseModifyRequest(request)
    if (Result.isFailure(changes)) return Effect.fail(changes.failure)
    return Effect.map(get(request.InstanceId), (state) =>
      describe(store(Ops.setMetadataOptions({ ...state.instance.metadataOptions, ...changes.success })(state)))
    )
  }

  const patch = (id: string, path: string, value: string | null) => {
    if (!isValidOverridePath(path)) {
      return Effect.fail(new FleetInvalid({ path: "path", message: `invalid meta-data path ${JSON.stringify(path)}` }))
    }
    return update(id, () => Ops.setOverride(path.replace(/^\/+|\/+$/g, ""), value))
  }

  const attachRole = (id: string, name: string, options: RoleOptions = {}) => {
    const role = validateRamRole({ name, ...options })
    if (Result.isFailure(role)) return Effect.fail(role.failure)
    return update(id, (now) => Ops.attachRole(resolveRole(role.success), now))
  }

  const rotateRole = (id: string) =>
    Effect.flatMap(get(id), (state) => {
      const role = state.role
      if (role === null) return Effect.fail(new RoleNotAttached({ instanceId: id }))
      return Effect.map(Clock.currentTimeMillis, (now) => store(Ops.rotateRole(role, now)(state)))
    })

  const addSystemEvent = (id: string, input: SystemEventInput) =>
    Effect.flatMap(get(id), (state) =>
      Effect.map(Clock.currentTimeMillis, (now) => {
        const random = makeRandom(fleet.settings.seed, `event/${fleet.eventCount++}`)
        const event: SystemEvent = {
          eventId: resourceId(random, "e", id.slice(2, 5), 20),
          eventType: input.eventType,
          publishMs: input.publishMs ?? now,
          notBeforeMs: input.notBeforeMs
        }
        store(Ops.addSystemEvent(event)(state))
        return event
      })
    )

  const replace = (config: FleetConfig) =>
    Effect.map(Clock.currentTimeMillis, (now) => {
      source = config
      fleet = load(config, now)
      version++
    })

  const withDefaultOptions = (next: Fleet, options: Partial<MetadataOptions>) => {
    const defaults = {
      ...next.settings.defaults,
      metadataOptions: { ...next.settings.defaults.metadataOptions, ...options }
    }
    next.settings = { ...next.settings, defaults }
    next.context = makeFleetContext(next.settings.seed, defaults)
  }

  const modifyDefaultMetadataOptions = (request: Omit<ModifyMetadataOptionsRequest, "InstanceId">) => {
    const changes = parseModifyRequest({ ...request, InstanceId: "" })
    if (Result.isFailure(changes)) return Effect.fail(changes.failure)
    return Effect.sync(() => {
      withDefaultOptions(fleet, changes.success)
      version++
      return { ...defaultMetadataOptions, ...fleet.settings.defaults.metadataOptions }
    })
  }

  /** The live fleet's difference from `source`. */
  const runtimeOf = (): FleetRuntime => {
    const base = new Map(source.instances.map((i) => [i.instanceId, i]))
    const added: Array<Instance> = []
    const instances: Record<string, InstanceRuntime> = {}
    for (const state of fleet.states.values()) {
      const id = state.instance.instanceId
      const file = base.get(id)
      if (file === undefined) added.push(state.instance)
      const changes = file === undefined ? {} : instanceChanges(file, state.instance)
      const idle = state.role === null && state.spotTerminationMs === null && state.systemEvents.length === 0
      if (idle && Object.keys(changes).length === 0) continue
      instances[id] = {
        changes,
        role: state.role,
        spotTerminationMs: state.spotTerminationMs,
        systemEvents: state.systemEvents
      }
    }
    const { defaultInstanceId } = fleet.settings
    return {
      removed: source.instances.filter((i) => !fleet.states.has(i.instanceId)).map((i) => i.instanceId),
      added,
      instances,
      defaultInstanceId: defaultInstanceId === source.defaultInstanceId ? null : defaultInstanceId,
      defaultMetadataOptions: changedEntries(
        source.defaults.metadataOptions ?? {},
        fleet.settings.defaults.metadataOptions ?? {}
      ) as Partial<MetadataOptions>,
      nextIndex: fleet.nextIndex,
      eventCount: fleet.eventCount
    }
  }

  /** `source` with `runtime` on top; entries that no longer apply are dropped and returned. */
  const applyRuntime = (runtime: FleetRuntime, now: number): ReadonlyArray<RuntimeDrop> => {
    const drops: Array<RuntimeDrop> = []
    const drop = (entry: string, instanceId: string, reason: RuntimeDrop["reason"]) =>
      drops.push({ entry, instanceId, reason })
    const next = load(source, now)
    withDefaultOptions(next, runtime.defaultMetadataOptions)
    const removed: Array<InstanceState> = []
    for (const [i, id] of runtime.removed.entries()) {
      const state = next.states.get(id)
      if (state === undefined) drop(`removed[${i}]`, id, "instance-gone")
      else {
        removed.push(state)
        next.states.delete(id)
      }
    }
    for (const [i, instance] of runtime.added.entries()) {
      const id = instance.instanceId
      const others = [...next.states.values()].map((s) => s.instance)
      if (next.states.has(id)) drop(`added[${i}]`, id, "instance-exists")
      else if (checkUniqueAddresses([...others, instance], String) !== null) drop(`added[${i}]`, id, "address-taken")
      else next.states.set(id, Ops.initialState(instance, now, ++revision))
    }
    const back = removed.at(-1)
    if (next.states.size === 0 && back !== undefined) {
      next.states.set(back.instance.instanceId, back)
      drop(
        `removed[${runtime.removed.lastIndexOf(back.instance.instanceId)}]`,
        back.instance.instanceId,
        "last-instance"
      )
    }
    for (const [id, saved] of Object.entries(runtime.instances)) {
      const state = next.states.get(id)
      if (state === undefined) {
        drop(`instances.${id}`, id, "instance-gone")
        continue
      }
      const overrides = Object.fromEntries(
        Object.entries(saved.changes.overrides ?? {}).filter(([path]) => {
          const valid = isValidOverridePath(path)
          if (!valid) drop(`instances.${id}.changes.overrides`, id, "invalid-path")
          return valid
        })
      )
      const instance = withChanges(state.instance, { ...saved.changes, overrides })
      const series = continuedSeries(instance.ramRole, saved.role)
      if (series === null && saved.role !== null) drop(`instances.${id}.role`, id, "role-changed")
      next.states.set(id, {
        instance,
        role: series ?? (instance.ramRole === null ? null : Ops.roleStateOf(instance.ramRole, now)),
        spotTerminationMs: saved.spotTerminationMs,
        systemEvents: saved.systemEvents,
        revision: ++revision
      })
    }
    const wanted = runtime.defaultInstanceId
    if (wanted !== null && next.states.has(wanted)) next.settings = { ...next.settings, defaultInstanceId: wanted }
    else if (wanted !== null) drop("defaultInstanceId", wanted, "instance-gone")
    if (!next.states.has(next.settings.defaultInstanceId)) {
      const first = next.states.keys().next()
      if (first.done !== true) next.settings = { ...next.settings, defaultInstanceId: first.value }
    }
    next.nextIndex = Math.max(next.nextIndex, runtime.nextIndex)
    next.eventCount = Math.max(next.eventCount, runtime.eventCount)
    fleet = next
    rebind()
    version++
    return drops
  }

  return FleetStore.of({
    resolvePeer: (address) =>
      Effect.suspend(() => {
        const state = resolvePeerUnsafe(address)
        return state === undefined ? Effect.fail(new UnboundPeer({ address })) : Effect.succeed(state)
      }),
    resolvePeerUnsafe,
    get,
    getUnsafe,
    list: Effect.sync(() => [...fleet.states.values()]),
    config: Effect.sync(snapshot),
    add,
    remove,
    describeMetadataOptions: (id) => Effect.map(get(id), describe),
    modifyMetadataOptions,
    patch,
    attachRole,
    detachRole: (id) => update(id, () => Ops.detachRole),
    rotateRole,
    scheduleSpot: (id, atMs) => update(id, () => Ops.scheduleSpot(atMs)),
    cancelSpot: (id) => update(id, () => Ops.cancelSpot),
    addSystemEvent,
    clearSystemEvents: (id) => update(id, () => Ops.clearSystemEvents),
    modifyDefaultMetadataOptions,
    reset: Effect.suspend(() => replace(source)),
    reload: (config) =>
      Effect.map(Clock.currentTimeMillis, (now) => {
        const runtime = runtimeOf()
        source = config
        return applyRuntime(runtime, now)
      }),
    runtime: Effect.sync(runtimeOf),
    restore: (runtime) => Effect.map(Clock.currentTimeMillis, (now) => applyRuntime(runtime, now)),
    wireUnsafe: () => fleet.settings.wire,
    get credentialSecret() {
      return fleet.secret
    },
    version: Effect.sync(() => version),
    versionUnsafe: () => version
  })
}
