// Durable state: the document's schema (published as state.schema.json) and its refusals, the capture and restore over
// the core services (a restart in miniature: capture, encode, decode, restore on freshly built services), and saves
// through the store port that write only what changed.
import { assert, describe, it } from "@effect/vitest"
import { Effect, Layer, Result } from "effect"
import { TestClock } from "effect/testing"
import { Faults } from "../src/access/Faults.ts"
import { Throttle } from "../src/access/Throttle.ts"
import { VirtualClock } from "../src/clock/VirtualClock.ts"
import { CounterEvents, Counters } from "../src/counters/Counters.ts"
import { EcsResources } from "../src/ecs/EcsResources.ts"
import { decodeFleetResult } from "../src/fleet/Fleet.ts"
import type { FleetConfig } from "../src/fleet/FleetSchema.ts"
import { FleetStore } from "../src/fleet/FleetStore.ts"
import { Identity } from "../src/identity/Identity.ts"
import { captureState, makeDurableState, restoreState } from "../src/state/DurableState.ts"
import {
  decodeStateDocumentResult,
  encodeStateDocument,
  type StateChange,
  type StateDocument,
  stateJsonSchema
} from "../src/state/StateDocument.ts"
import { StateNotSaved } from "../src/state/StateErrors.ts"
import { makeMemoryStateStore, memoryStateStoreLayer } from "../src/state/StateStore.ts"
import { Tokens } from "../src/token/Token.ts"
import { assertPublishedSchema } from "./publishedSchema.ts"
import identityPem from "./vectors/identity.json" with { type: "json" }

const fleetOf = (fleet: object): FleetConfig => {
  const result = decodeFleetResult(JSON.stringify({ version: 1, seed: "state", ...fleet }), "json")
  if (Result.isFailure(result)) throw new Error(`${result.failure.path}: ${result.failure.message}`)
  return result.success
}

const config = fleetOf({
  instances: [
    { instanceId: "i-web", sourceAddresses: ["127.0.0.2"], ramRole: { name: "WebRole" } },
    { instanceId: "i-db", sourceAddresses: ["127.0.0.3"] }
  ]
})

/** The core services as the server builds them, around `fleet`, at the TestClock's time. */
const services = (fleet: FleetConfig) =>
  Layer.mergeAll(
    FleetStore.layer(fleet),
    Tokens.layer,
    Layer.orDie(Identity.layerFromPem(identityPem)),
    Counters.layer,
    Throttle.layer,
    Faults.layer,
    EcsResources.layer(fleet)
  ).pipe(Layer.provideMerge(VirtualClock.layerWithClock))

/** Runs `body` against freshly built services (a process lifetime, in miniature). */
const life = <A, E>(fleet: FleetConfig, body: Effect.Effect<A, E, Layer.Success<ReturnType<typeof services>>>) =>
  Effect.provide(body, services(fleet))

const changeEverything = Effect.gen(function* () {
  const fleet = yield* FleetStore
  yield* fleet.modifyMetadataOptions({ InstanceId: "i-web", HttpTokens: "required" })
  yield* fleet.add({ instanceId: "i-new", sourceAddresses: ["127.0.0.4"] })
  yield* fleet.remove("i-db")
  yield* fleet.rotateRole("i-web")
  yield* (yield* VirtualClock).advance("1 hour")
  const tokens = yield* Tokens
  const token = (yield* tokens.issue("i-web", 21_600)).token
  yield* tokens.rotateKey
  yield* (yield* Throttle).set("*", { ratePerSecond: 5, burst: 10 })
  yield* (yield* Throttle).set("i-new", { ratePerSecond: 1, burst: 1 })
  const faults = yield* Faults
  yield* faults.add({ instanceId: "i-new", action: { type: "status", status: 503 }, times: 3 })
  faults.table.apply({ instanceId: "i-new", route: "metadata", method: "GET", path: "/latest/meta-data/" })
  const counters = yield* Counters
  counters.recordUnsafe("i-web", CounterEvents.normalOk)
  counters.observeLatencyUnsafe("i-web", 0.002)
  return token
})

describe("the state document", () => {
  it("matches the published state.schema.json (UPDATE_SCHEMA=1 rewrites it)", () => {
    assertPublishedSchema("state.schema.json", stateJsonSchema())
  })

  it("describes a closed object with a version and every section required", () => {
    const schema = stateJsonSchema()
    assert.deepStrictEqual([...(schema.required as Array<string>)].sort(), [
      "clock",
      "counters",
      "faults",
      "fleet",
      "identity",
      "throttle",
      "tokens",
      "version"
    ])
    assert.isFalse(schema.additionalProperties)
  })

  it.effect("is indented JSON with a final newline that decodes to what was encoded", () =>
    life(
      config,
      Effect.gen(function* () {
        const document = yield* captureState
        const text = encodeStateDocument(document)
        assert.match(text, /^\{\n {2}"version": 1,\n {2}"fleet": \{/)
        assert.isTrue(text.endsWith("}\n"))
        assert.deepStrictEqual(decodeStateDocumentResult(text), Result.succeed(document))
      })
    )
  )

  const problem = (text: string) => {
    const result = decodeStateDocumentResult(text)
    if (Result.isSuccess(result)) return assert.fail("expected the document to be refused")
    const e = result.failure
    return e._tag === "StateTooNew" ? `too new: ${e.version} > ${e.supported}` : `${e.path}: ${e.message}`
  }

  it.effect("refuses an empty, cut-short or non-JSON text at (file), naming why", () =>
    life(
      config,
      Effect.gen(function* () {
        const text = encodeStateDocument(yield* captureState)
        assert.strictEqual(problem(""), "(file): not JSON (the file is empty); a write cut short?")
        assert.match(problem(text.slice(0, text.length / 2)), /^\(file\): not JSON \(.+\); a write cut short\?$/)
        assert.match(problem("version: 1"), /^\(file\): not JSON/)
      })
    )
  )

  it.effect("refuses a newer version as too new, and a missing, wrong or odd field naming it", () =>
    life(
      config,
      Effect.gen(function* () {
        const document = yield* captureState
        const edited = (change: (d: Record<string, unknown>) => void) => {
          const copy = JSON.parse(JSON.stringify(document)) as Record<string, unknown>
          change(copy)
          return JSON.stringify(copy)
        }
        assert.strictEqual(problem(edited((d) => (d.version = 2))), "too new: 2 > 1")
        assert.strictEqual(problem(edited((d) => (d.version = 0))), "version: expected 1, got 0")
        assert.strictEqual(problem(edited((d) => delete d.clock)), "clock: required field is missing")
        assert.strictEqual(problem(edited((d) => (d.extra = 1))), "extra: unknown field")
        assert.match(
          problem(edited((d) => ((d.clock as { offsetMs: unknown }).offsetMs = "soon"))),
          /^clock\.offsetMs: expected number, got "soon"$/
        )
        assert.match(problem("[]"), /^\(root\): expected object/)
      })
    )
  )

  it.effect("refuses a token key history no signer could have written", () =>
    life(
      config,
      Effect.gen(function* () {
        const { tokens, ...rest } = yield* captureState
        const withTokens = (t: object) => JSON.stringify({ ...rest, tokens: { ...tokens, ...t } })
        assert.strictEqual(problem(withTokens({ secret: "" })), "tokens.secret: expected non-empty base64url")
        assert.strictEqual(problem(withTokens({ secret: "a" })), "tokens.secret: expected non-empty base64url")
        assert.strictEqual(
          problem(withTokens({ currentKeyId: 7 })),
          "tokens.currentKeyId: expected the id of a key in tokens.keys that does not retire"
        )
        assert.strictEqual(
          problem(withTokens({ keys: [...tokens.keys, { id: 9, retiresAt: null }] })),
          "tokens.keys[1].id: expected an id below tokens.nextKeyId"
        )
      })
    )
  )
})

describe("capture and restore", () => {
  it.effect("bring back every service's state on freshly built services, and tokens issued before still verify", () =>
    Effect.gen(function* () {
      const [document, token] = yield* life(
        config,
        Effect.gen(function* () {
          const token = yield* changeEverything
          return [yield* captureState, token] as const
        })
      )
      yield* TestClock.adjust("10 minutes")
      const decoded = decodeStateDocumentResult(encodeStateDocument(document))
      if (Result.isFailure(decoded)) return assert.fail(decoded.failure.message)
      yield* life(
        config,
        Effect.gen(function* () {
          assert.deepStrictEqual(yield* restoreState(decoded.success), [])
          const again = yield* captureState
          assert.deepStrictEqual(again.fleet, document.fleet)
          assert.deepStrictEqual(again.tokens, document.tokens)
          assert.deepStrictEqual(
            [again.throttle, again.faults, again.counters],
            [document.throttle, document.faults, document.counters]
          )
          assert.deepStrictEqual(again.clock, document.clock)
          const clock = yield* VirtualClock
          assert.strictEqual(yield* clock.now, 600_000 + 3_600_000)
          const verified = yield* (yield* Tokens).verify(token, "i-web")
          assert.strictEqual(verified.instanceId, "i-web")
        })
      )
    })
  )

  it.effect("drop, and report, rules of instances the fleet no longer has, and keep their counters", () =>
    Effect.gen(function* () {
      const document = yield* life(config, Effect.andThen(changeEverything, captureState))
      const without = fleetOf({ instances: [{ instanceId: "i-web", sourceAddresses: ["127.0.0.2"] }] })
      const edited: StateDocument = {
        ...document,
        fleet: { ...document.fleet, added: [] },
        counters: { ...document.counters, "i-gone": document.counters["i-web"]! }
      }
      yield* life(
        without,
        Effect.gen(function* () {
          assert.deepStrictEqual(yield* restoreState(edited), [
            { entry: "fleet.removed[0]", instanceId: "i-db", reason: "instance-gone" },
            { entry: "fleet.instances.i-web.role", instanceId: "i-web", reason: "role-changed" },
            { entry: "throttle.i-new", instanceId: "i-new", reason: "instance-gone" },
            { entry: "faults.rules[0]", instanceId: "i-new", reason: "instance-gone" }
          ])
          assert.deepStrictEqual(Object.keys(yield* (yield* Throttle).rules), ["*"])
          assert.deepStrictEqual(yield* (yield* Faults).list, [])
          assert.deepStrictEqual(Object.keys(yield* (yield* Counters).saved), ["i-web", "i-gone"])
        })
      )
    })
  )
})

describe("makeDurableState", () => {
  it.effect("saves everything first, then only the sections that changed, and nothing when nothing did", () =>
    Effect.gen(function* () {
      const memory = makeMemoryStateStore()
      yield* Effect.gen(function* () {
        const durable = yield* makeDurableState
        yield* durable.save
        assert.strictEqual(memory.flushes(), 1)
        assert.deepStrictEqual(memory.durable(), yield* captureState)
        yield* durable.save
        assert.strictEqual(memory.flushes(), 1)
        yield* (yield* FleetStore).modifyMetadataOptions({ InstanceId: "i-db", HttpTokens: "required" })
        let applied: ReadonlyArray<string> = []
        const spy = {
          ...memory.store,
          apply: (change: StateChange) => {
            applied = Object.keys(change)
            return memory.store.apply(change)
          }
        }
        const watched = yield* Effect.provide(makeDurableState, memoryStateStoreLayer({ ...memory, store: spy }))
        yield* watched.save
        assert.deepStrictEqual(applied, [
          "fleet",
          "clock",
          "tokens",
          "throttle",
          "faults",
          "counters",
          "identity",
          "ecs"
        ])
        ;(yield* Counters).recordUnsafe("i-db", CounterEvents.normalOk)
        yield* watched.save
        assert.deepStrictEqual(applied, ["counters"])
        assert.strictEqual(memory.durable()?.counters["i-db"]?.normalOk, 1)
      }).pipe(Effect.provide(memoryStateStoreLayer(memory)), Effect.provide(services(config)))
    })
  )

  it.effect("fails with StateNotSaved when the store cannot flush, and saves the change on the next save", () =>
    Effect.gen(function* () {
      let broken = true
      const memory = makeMemoryStateStore(null, () => (broken ? new StateNotSaved({ reason: "disk full" }) : undefined))
      yield* Effect.gen(function* () {
        const durable = yield* makeDurableState
        const error = yield* Effect.flip(durable.save)
        assert.deepStrictEqual(error, new StateNotSaved({ reason: "disk full" }))
        assert.isNull(memory.durable())
        broken = false
        yield* durable.save
        assert.deepStrictEqual(memory.durable(), yield* captureState)
      }).pipe(Effect.provide(memoryStateStoreLayer(memory)), Effect.provide(services(config)))
    })
  )
})
