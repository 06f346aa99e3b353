// The live fleet: one InstanceState per instance, the loaded FleetConfig and its compiled peer binding. Admin
// operations replace states (each with a fresh revision) and bump `version`; per-request lookups are sync Map hits.
import { Clock, Context, Effect, Layer, Result } from "effect"
import { FleetInvalid, InstanceExists, InstanceNotFound, RoleNotAttached, UnboundPeer } from "../Errors.ts"
import { validateInstanceInput, validateRamRole } from "./Fleet.ts"
import { compileBinding, type PeerMatcher } from "./FleetBinding.ts"
import { checkUniqueAddresses, isValidOverridePath } from "./FleetChecks.ts"
import { defaultFleet, type FleetContext, makeFleetContext, resolveInstance, resolveRole } from "./FleetDefaults.ts"
import { resourceId } from "./FleetNetwork.ts"
import type { FleetConfig, InstanceInput } from "./FleetSchema.ts"
import type { FleetStoreApi, NotFound, RoleOptions, SystemEventInput } from "./FleetStoreApi.ts"
import * as Ops from "./FleetStoreState.ts"
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
    reset: Effect.suspend(() => replace(source)),
    reload: replace,
    wireUnsafe: () => fleet.settings.wire,
    get credentialSecret() {
      return fleet.secret
    },
    version: Effect.sync(() => version),
    versionUnsafe: () => version
  })
}
