// The port durable state goes through: load the stored document, apply a change (some sections, as they are now), and
// flush (make every applied change durable). Adapters live where I/O may: the server's state file is the first; one
// shared by several replicas (Redis) can follow without touching the services. An in-memory adapter is here for tests.
import { Context, Effect, Layer } from "effect"
import { type StateChange, type StateDocument, stateVersion } from "./StateDocument.ts"
import type { StateLoadError, StateNotSaved } from "./StateErrors.ts"

export interface StateStoreApi {
  /** The stored document, or null when nothing is stored yet. */
  readonly load: Effect.Effect<StateDocument | null, StateLoadError>
  /** Records the sections of `change` (replacing them whole); durable only after `flush`. */
  readonly apply: (change: StateChange) => Effect.Effect<void>
  /** Makes everything applied so far durable: once it succeeds, the changes survive a crash. */
  readonly flush: Effect.Effect<void, StateNotSaved>
}

export class StateStore extends Context.Service<StateStore, StateStoreApi>()("@aliyun-imds/core/StateStore") {}

/** A store in memory: `durable()` is what the last flush left, `flushes()` how many flushes wrote something. */
export interface MemoryStateStore {
  readonly store: StateStoreApi
  readonly durable: () => StateDocument | null
  readonly flushes: () => number
}

/** An in-memory store holding `initial`; `fail` lets a test make a flush fail. */
export const makeMemoryStateStore = (
  initial: StateDocument | null = null,
  fail?: () => StateNotSaved | undefined
): MemoryStateStore => {
  let durable = initial
  let pending: StateChange = {}
  let flushes = 0
  const store: StateStoreApi = {
    load: Effect.sync(() => durable),
    apply: (change) =>
      Effect.sync(() => {
        pending = { ...pending, ...change }
      }),
    flush: Effect.suspend(() => {
      const failure = fail?.()
      if (failure !== undefined) return Effect.fail(failure)
      if (Object.keys(pending).length === 0) return Effect.void
      durable = { version: stateVersion, ...durable, ...pending } as StateDocument
      pending = {}
      flushes++
      return Effect.void
    })
  }
  return { store, durable: () => durable, flushes: () => flushes }
}

export const memoryStateStoreLayer = (memory: MemoryStateStore): Layer.Layer<StateStore> =>
  Layer.succeed(StateStore, StateStore.of(memory.store))
