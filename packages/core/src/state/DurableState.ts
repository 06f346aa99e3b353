// Durable state over the core services: capture everything changed at run time into one document, restore a document
// onto freshly built services (dropping what names an instance the fleet no longer has), and save through the store
// port only the sections that changed since the last save. The services keep the one copy of every rule and value.
import { Effect, Semaphore } from "effect"
import { Faults } from "../access/Faults.ts"
import { anyInstance, Throttle } from "../access/Throttle.ts"
import { VirtualClock } from "../clock/VirtualClock.ts"
import { Counters } from "../counters/Counters.ts"
import { EcsResources } from "../ecs/EcsResources.ts"
import type { RuntimeDrop } from "../fleet/FleetRuntime.ts"
import { FleetStore } from "../fleet/FleetStore.ts"
import { Identity } from "../identity/Identity.ts"
import { Tokens } from "../token/Token.ts"
import { decodeBase64Url, encodeBase64Url } from "../token/TokenCodec.ts"
import { type StateDocument, type StateSection, stateSections, stateVersion } from "./StateDocument.ts"
import type { StateNotSaved } from "./StateErrors.ts"
import { StateStore } from "./StateStore.ts"

/** The services whose state is durable (the identity only through the document: it is chosen when it is built). */
export type DurableServices =
  | FleetStore
  | VirtualClock
  | Tokens
  | Throttle
  | Faults
  | Counters
  | Identity
  | EcsResources

/** Everything changed at run time, as one document. Exports the identity material, generating it if still lazy. */
export const captureState: Effect.Effect<StateDocument, never, DurableServices> = Effect.gen(function* () {
  const tokens = yield* (yield* Tokens).saved
  return {
    version: stateVersion,
    fleet: yield* (yield* FleetStore).runtime,
    clock: yield* (yield* VirtualClock).saved,
    tokens: { ...tokens, secret: encodeBase64Url(tokens.secret, tokens.secret.length) },
    throttle: yield* (yield* Throttle).rules,
    faults: yield* (yield* Faults).saved,
    counters: yield* (yield* Counters).saved,
    identity: yield* (yield* Identity).exportPem,
    ecs: yield* (yield* EcsResources).saved
  }
})

const gone = (entry: string, instanceId: string): RuntimeDrop => ({ entry, instanceId, reason: "instance-gone" })

/**
 * Puts a (decoded) document's state into the services: the clock first, so the fleet is rebuilt at the saved virtual
 * time, then the fleet, then the token keys, rules and counters. Returns every entry dropped because it no longer
 * applies to the fleet (entries named by their path in the document); counters are history and always kept. The
 * identity is not touched.
 */
export const restoreState = (
  document: StateDocument
): Effect.Effect<ReadonlyArray<RuntimeDrop>, never, Exclude<DurableServices, Identity>> =>
  Effect.gen(function* () {
    yield* (yield* VirtualClock).restore(document.clock)
    const fleet = yield* FleetStore
    const drops = (yield* fleet.restore(document.fleet)).map((d) => ({ ...d, entry: `fleet.${d.entry}` }))
    const ids = new Set((yield* fleet.list).map((s) => s.instance.instanceId))
    const known = (id: string) => id === anyInstance || ids.has(id)
    const { secret, ...keys } = document.tokens
    yield* (yield* Tokens).restore({ ...keys, secret: decodeBase64Url(secret) ?? new Uint8Array(0) })
    const throttle = yield* Throttle
    yield* throttle.clear()
    for (const [target, rule] of Object.entries(document.throttle)) {
      if (known(target)) yield* Effect.orDie(throttle.set(target, rule))
      else drops.push(gone(`throttle.${target}`, target))
    }
    const rules = document.faults.rules.filter((rule, i) => {
      if (!known(rule.instanceId)) drops.push(gone(`faults.rules[${i}]`, rule.instanceId))
      return known(rule.instanceId)
    })
    yield* (yield* Faults).restore({ lastId: document.faults.lastId, rules })
    // Counters are a record of what happened, kept (and served) for removed instances too, as while running.
    yield* (yield* Counters).restore(document.counters)
    yield* (yield* EcsResources).restore(document.ecs ?? { images: [], stopped: [], imageCount: 0 })
    return drops
  })

export interface DurableStateApi {
  /**
   * Captures the state and applies to the store every section that differs from the last successful save (all of
   * them the first time), then flushes. Saves run one at a time, each capturing when it runs, so a change made before
   * a save starts is durable once it ends. Nothing changed: nothing is written.
   */
  readonly save: Effect.Effect<void, StateNotSaved>
}

export const makeDurableState: Effect.Effect<DurableStateApi, never, StateStore | DurableServices> = Effect.gen(
  function* () {
    const store = yield* StateStore
    const context = yield* Effect.context<DurableServices>()
    const lock = yield* Semaphore.make(1)
    const saved = new Map<StateSection, string>()
    const save = Effect.gen(function* () {
      const document = yield* Effect.provideContext(captureState, context)
      const texts = stateSections.map((section) => [section, JSON.stringify(document[section])] as const)
      const changed = texts.filter(([section, text]) => saved.get(section) !== text)
      if (changed.length === 0) return
      yield* store.apply(Object.fromEntries(changed.map(([section]) => [section, document[section]])))
      yield* store.flush
      for (const [section, text] of changed) saved.set(section, text)
    })
    return { save: lock.withPermit(save) }
  }
)
