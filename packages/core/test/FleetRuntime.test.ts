// The fleet's run-time changes: captured relative to the loaded fleet, applied again on a fresh store (a restart) or
// on a changed fleet file (a reload, or a restart with another file), dropping what no longer applies.
import { assert, describe, it } from "@effect/vitest"
import { Effect, Result } from "effect"
import { TestClock } from "effect/testing"
import { decodeFleetResult } from "../src/fleet/Fleet.ts"
import { emptyFleetRuntime, type FleetRuntime } from "../src/fleet/FleetRuntime.ts"
import type { FleetConfig } from "../src/fleet/FleetSchema.ts"
import { FleetStore } from "../src/fleet/FleetStore.ts"

const fleetOf = (fleet: object): FleetConfig => {
  const result = decodeFleetResult(JSON.stringify({ version: 1, ...fleet }), "json")
  if (Result.isFailure(result)) throw new Error(`${result.failure.path}: ${result.failure.message}`)
  return result.success
}

const web = { instanceId: "i-web", sourceAddresses: ["127.0.0.2"], ramRole: { name: "WebRole" } }
const db = { instanceId: "i-db", sourceAddresses: ["127.0.0.3"] }
const config = fleetOf({ seed: "runtime", instances: [web, db] })

/** A store of `fleet` built at the current TestClock time. */
const storeOf = (fleet: FleetConfig) => Effect.provide(Effect.service(FleetStore), FleetStore.layer(fleet))

/** The live fleet without revisions (they are per store). */
const liveOf = (store: FleetStore["Service"]) =>
  Effect.map(store.list, (states) => states.map(({ revision: _, ...state }) => state))

const changeEverything = (store: FleetStore["Service"]) =>
  Effect.gen(function* () {
    yield* store.modifyMetadataOptions({ InstanceId: "i-web", HttpTokens: "required" })
    yield* store.patch("i-web", "hostname", "web-7")
    yield* store.patch("i-web", "instance/instance-type", null)
    yield* TestClock.adjust("1 hour")
    yield* store.rotateRole("i-web")
    yield* store.attachRole("i-db", "DbRole", { validitySeconds: 3600, overlapSeconds: 600 })
    yield* store.scheduleSpot("i-db", 9_000_000)
    yield* store.addSystemEvent("i-db", { eventType: "SystemMaintenance.Reboot", notBeforeMs: 8_000_000 })
    yield* store.modifyDefaultMetadataOptions({ HttpEndpoint: "disabled" })
    yield* store.add({ instanceId: "i-extra", sourceAddresses: ["127.0.0.4"] })
    yield* store.add({ sourceAddresses: ["127.0.0.5"] })
    yield* store.remove("i-extra")
  })

describe("FleetStore.runtime", () => {
  it.effect("of an untouched fleet holds only the credential series of its roles", () =>
    Effect.gen(function* () {
      const store = yield* storeOf(config)
      const runtime = yield* store.runtime
      assert.deepStrictEqual(runtime, {
        ...emptyFleetRuntime,
        instances: {
          "i-web": {
            changes: {},
            role: {
              name: "WebRole",
              validitySeconds: 21_600,
              overlapSeconds: 1_800,
              anchorMs: 0,
              generation: 0,
              retired: []
            },
            spotTerminationMs: null,
            systemEvents: []
          }
        },
        nextIndex: 2
      })
    })
  )

  it.effect("names only what changed: options, items, role, spot, events, defaults, added and removed instances", () =>
    Effect.gen(function* () {
      const store = yield* storeOf(config)
      yield* changeEverything(store)
      yield* store.remove("i-db")
      const runtime = yield* store.runtime
      assert.deepStrictEqual(runtime.removed, ["i-db"])
      assert.deepStrictEqual(
        runtime.added.map((i) => [i.instanceId, i.metadataOptions.HttpEndpoint]),
        [[(yield* store.list)[1]!.instance.instanceId, "disabled"]]
      )
      assert.deepStrictEqual(runtime.instances["i-web"]?.changes, {
        metadataOptions: { HttpTokens: "required" },
        overrides: { hostname: "web-7", "instance/instance-type": null }
      })
      assert.strictEqual(runtime.instances["i-web"]?.role?.generation, 1)
      assert.deepStrictEqual(runtime.defaultMetadataOptions, { HttpEndpoint: "disabled" })
      assert.deepStrictEqual([runtime.nextIndex, runtime.eventCount, runtime.defaultInstanceId], [4, 1, null])
    })
  )
})

describe("FleetStore.restore", () => {
  it.effect("on a fresh store of the same file brings back the same fleet, series and ids", () =>
    Effect.gen(function* () {
      const first = yield* storeOf(config)
      yield* changeEverything(first)
      const runtime = yield* first.runtime
      yield* TestClock.adjust("2 hours")
      const second = yield* storeOf(config)
      assert.deepStrictEqual(yield* second.restore(JSON.parse(JSON.stringify(runtime)) as FleetRuntime), [])
      assert.deepStrictEqual(yield* liveOf(second), yield* liveOf(first))
      assert.deepStrictEqual(yield* second.config, yield* first.config)
      assert.deepStrictEqual(yield* second.runtime, runtime)
      assert.strictEqual(second.resolvePeerUnsafe("127.0.0.5")?.instance.instanceId, runtime.added[0]?.instanceId)
      const [a, b] = [yield* first.add({}), yield* second.add({})]
      assert.strictEqual(a.instance.instanceId, b.instance.instanceId)
      assert.strictEqual(b.instance.metadataOptions.HttpEndpoint, "disabled")
      const event = { eventType: "SystemFailure.Reboot", notBeforeMs: 1 }
      const [e1, e2] = [yield* first.addSystemEvent("i-web", event), yield* second.addSystemEvent("i-web", event)]
      assert.strictEqual(e1.eventId, e2.eventId)
    })
  )

  it.effect("keeps the file's own changes to what the run time left alone", () =>
    Effect.gen(function* () {
      const first = yield* storeOf(config)
      yield* first.modifyMetadataOptions({ InstanceId: "i-web", HttpTokens: "required" })
      yield* first.patch("i-web", "hostname", "web-7")
      const edited = fleetOf({
        seed: "runtime",
        instances: [{ ...web, metadataOptions: { HttpEndpoint: "disabled" }, overrides: { "serial-number": "s" } }, db]
      })
      const second = yield* storeOf(edited)
      assert.deepStrictEqual(yield* second.restore(yield* first.runtime), [])
      const { instance } = yield* second.get("i-web")
      assert.deepStrictEqual(instance.metadataOptions, {
        HttpEndpoint: "disabled",
        HttpTokens: "required",
        InstanceMetadataTags: "disabled"
      })
      assert.deepStrictEqual(instance.overrides, { "serial-number": "s", hostname: "web-7" })
    })
  )

  it.effect("drops, and reports, entries for instances the file no longer has or now has itself", () =>
    Effect.gen(function* () {
      const first = yield* storeOf(config)
      yield* first.modifyMetadataOptions({ InstanceId: "i-db", HttpTokens: "required" })
      yield* first.add({ instanceId: "i-new", sourceAddresses: ["127.0.0.6"] })
      yield* first.add({ instanceId: "i-addr", sourceAddresses: ["127.0.0.7"] })
      yield* first.remove("i-web")
      const edited = fleetOf({
        seed: "runtime",
        instances: [
          { instanceId: "i-new", sourceAddresses: ["127.0.0.8"] },
          { instanceId: "i-other", sourceAddresses: ["127.0.0.7"] }
        ]
      })
      const second = yield* storeOf(edited)
      assert.deepStrictEqual(yield* second.restore(yield* first.runtime), [
        { entry: "removed[0]", instanceId: "i-web", reason: "instance-gone" },
        { entry: "added[0]", instanceId: "i-new", reason: "instance-exists" },
        { entry: "added[1]", instanceId: "i-addr", reason: "address-taken" },
        { entry: "instances.i-db", instanceId: "i-db", reason: "instance-gone" },
        { entry: "defaultInstanceId", instanceId: "i-db", reason: "instance-gone" }
      ])
      assert.deepStrictEqual(
        (yield* second.list).map((s) => s.instance.instanceId),
        ["i-new", "i-other"]
      )
      assert.strictEqual((yield* second.config).defaultInstanceId, "i-new")
    })
  )

  it.effect("starts a new credential series when the file changed the role, and keeps one that is the same", () =>
    Effect.gen(function* () {
      const first = yield* storeOf(config)
      yield* first.rotateRole("i-web")
      yield* first.attachRole("i-db", "DbRole")
      yield* TestClock.adjust("1 minute")
      const edited = fleetOf({ seed: "runtime", instances: [{ ...web, ramRole: { name: "OtherRole" } }, db] })
      const second = yield* storeOf(edited)
      assert.deepStrictEqual(yield* second.restore(yield* first.runtime), [
        { entry: "instances.i-web.role", instanceId: "i-web", reason: "role-changed" }
      ])
      assert.deepStrictEqual((yield* second.get("i-web")).role, {
        name: "OtherRole",
        validitySeconds: 21_600,
        overlapSeconds: 1_800,
        anchorMs: 60_000,
        generation: 0,
        retired: []
      })
      assert.deepStrictEqual((yield* second.get("i-db")).role, (yield* first.get("i-db")).role)
    })
  )

  it.effect("a detached role stays detached, even when the file attaches one", () =>
    Effect.gen(function* () {
      const first = yield* storeOf(config)
      yield* first.detachRole("i-web")
      const second = yield* storeOf(config)
      assert.deepStrictEqual(yield* second.restore(yield* first.runtime), [])
      assert.isNull((yield* second.get("i-web")).role)
      assert.isNull((yield* second.get("i-web")).instance.ramRole)
    })
  )

  it.effect("keeps a removed instance when nothing else would be left, and reports it", () =>
    Effect.gen(function* () {
      const first = yield* storeOf(config)
      yield* first.add({ instanceId: "i-new", sourceAddresses: ["127.0.0.6"] })
      yield* first.remove("i-web")
      yield* first.remove("i-db")
      const edited = fleetOf({ seed: "runtime", instances: [web, { instanceId: "i-new" }, db] })
      const second = yield* storeOf(edited)
      assert.deepStrictEqual(yield* second.restore(yield* first.runtime), [
        { entry: "added[0]", instanceId: "i-new", reason: "instance-exists" }
      ])
      assert.deepStrictEqual(
        (yield* second.list).map((s) => s.instance.instanceId),
        ["i-new"]
      )
      const third = yield* storeOf(config)
      assert.deepStrictEqual(yield* third.restore({ ...emptyFleetRuntime, removed: ["i-web", "i-db"] }), [
        { entry: "removed[1]", instanceId: "i-db", reason: "last-instance" }
      ])
      assert.deepStrictEqual(
        (yield* third.list).map((s) => s.instance.instanceId),
        ["i-db"]
      )
    })
  )

  it.effect("moves the default with the removed default instance, and keeps it moved", () =>
    Effect.gen(function* () {
      const first = yield* storeOf(config)
      yield* first.add({ instanceId: "i-new", sourceAddresses: ["127.0.0.6"] })
      yield* first.remove("i-web")
      const runtime = yield* first.runtime
      assert.strictEqual(runtime.defaultInstanceId, "i-db")
      const second = yield* storeOf(config)
      yield* second.restore(runtime)
      assert.strictEqual((yield* second.config).defaultInstanceId, "i-db")
      assert.strictEqual(second.resolvePeerUnsafe("192.0.2.1")?.instance.instanceId, "i-db")
    })
  )

  it.effect("drops overrides whose path is not a meta-data path", () =>
    Effect.gen(function* () {
      const store = yield* storeOf(config)
      const runtime: FleetRuntime = {
        ...emptyFleetRuntime,
        instances: {
          "i-db": {
            changes: { overrides: { "a/../b": "x", hostname: "h" } },
            role: null,
            spotTerminationMs: null,
            systemEvents: []
          }
        }
      }
      assert.deepStrictEqual(yield* store.restore(runtime), [
        { entry: "instances.i-db.changes.overrides", instanceId: "i-db", reason: "invalid-path" }
      ])
      assert.deepStrictEqual((yield* store.get("i-db")).instance.overrides, { hostname: "h" })
    })
  )

  it.effect("of an empty run time is the loaded fleet", () =>
    Effect.gen(function* () {
      const store = yield* storeOf(config)
      yield* changeEverything(store)
      yield* store.restore(emptyFleetRuntime)
      assert.deepStrictEqual(yield* store.config, config)
    })
  )
})

describe("FleetStore.reload", () => {
  it.effect("serves the new file with the run-time changes that still apply, and reports the others", () =>
    Effect.gen(function* () {
      const store = yield* storeOf(config)
      yield* store.modifyMetadataOptions({ InstanceId: "i-web", HttpTokens: "required" })
      yield* store.modifyMetadataOptions({ InstanceId: "i-db", HttpTokens: "required" })
      const drops = yield* store.reload(fleetOf({ seed: "runtime", instances: [web] }))
      assert.deepStrictEqual(drops, [{ entry: "instances.i-db", instanceId: "i-db", reason: "instance-gone" }])
      assert.strictEqual((yield* store.get("i-web")).instance.metadataOptions.HttpTokens, "required")
      yield* store.reset
      assert.strictEqual((yield* store.get("i-web")).instance.metadataOptions.HttpTokens, "optional")
    })
  )
})

describe("FleetStore.modifyDefaultMetadataOptions", () => {
  it.effect("sets the options of instances added later, checked like the ECS API; reset forgets them", () =>
    Effect.gen(function* () {
      const store = yield* storeOf(config)
      assert.deepStrictEqual(yield* store.modifyDefaultMetadataOptions({ HttpTokens: "required" }), {
        HttpEndpoint: "enabled",
        HttpTokens: "required",
        InstanceMetadataTags: "disabled"
      })
      assert.strictEqual((yield* store.get("i-db")).instance.metadataOptions.HttpTokens, "optional")
      assert.strictEqual((yield* store.add({})).instance.metadataOptions.HttpTokens, "required")
      const error = yield* Effect.flip(store.modifyDefaultMetadataOptions({ HttpTokens: "sometimes" }))
      assert.strictEqual(error.code, "InvalidHttpTokens.NotSupported")
      yield* store.reset
      assert.strictEqual((yield* store.add({})).instance.metadataOptions.HttpTokens, "optional")
    })
  )
})
