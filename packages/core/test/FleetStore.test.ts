import { createHash } from "node:crypto"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Result } from "effect"
import { TestClock } from "effect/testing"
import { decodeFleetResult } from "../src/fleet/Fleet.ts"
import type { FleetConfig } from "../src/fleet/FleetSchema.ts"
import { FleetStore } from "../src/fleet/FleetStore.ts"

const fleetOf = (fleet: object): FleetConfig => {
  const result = decodeFleetResult(JSON.stringify({ version: 1, ...fleet }), "json")
  if (Result.isFailure(result)) throw new Error(`${result.failure.path}: ${result.failure.message}`)
  return result.success
}

const config = fleetOf({
  seed: "store",
  defaults: { regionId: "cn-beijing" },
  instances: [
    { instanceId: "i-web", sourceAddresses: ["127.0.0.2"], ramRole: { name: "WebRole" } },
    { instanceId: "i-db", sourceAddresses: ["10.0.0.0/8"] }
  ]
})

const refusing = fleetOf({ unmatchedPeers: "refuse", instances: [{ instanceId: "i-only", sourceAddresses: ["::1"] }] })

const withStore = <A, E>(body: (store: FleetStore["Service"]) => Effect.Effect<A, E>, fleet = config) =>
  Effect.gen(function* () {
    return yield* body(yield* FleetStore)
  }).pipe(Effect.provide(FleetStore.layer(fleet)))

const sha256 = (text: string) => new Uint8Array(createHash("sha256").update(text).digest())

describe("FleetStore lookups", () => {
  it.effect("resolves peers by exact address and block, sync and as an Effect", () =>
    withStore((store) =>
      Effect.gen(function* () {
        assert.strictEqual((yield* store.resolvePeer("127.0.0.2")).instance.instanceId, "i-web")
        assert.strictEqual((yield* store.resolvePeer("::ffff:10.3.4.5")).instance.instanceId, "i-db")
        assert.strictEqual(store.resolvePeerUnsafe("127.0.0.2")?.instance.instanceId, "i-web")
        assert.strictEqual((yield* store.resolvePeer("192.0.2.1")).instance.instanceId, "i-web") // the default
      })
    )
  )

  it.effect("refuses unmatched peers with UnboundPeer when the fleet says so", () =>
    withStore(
      (store) =>
        Effect.gen(function* () {
          const error = yield* Effect.flip(store.resolvePeer("127.0.0.9"))
          assert.strictEqual(error._tag, "UnboundPeer")
          assert.strictEqual(error.address, "127.0.0.9")
          assert.isUndefined(store.resolvePeerUnsafe("127.0.0.9"))
          assert.strictEqual((yield* store.resolvePeer("::1")).instance.instanceId, "i-only")
        }),
      refusing
    )
  )

  it.effect("gets instances by id and fails with InstanceNotFound for unknown ids", () =>
    withStore((store) =>
      Effect.gen(function* () {
        assert.strictEqual((yield* store.get("i-db")).instance.instanceId, "i-db")
        assert.strictEqual(store.getUnsafe("i-db")?.instance.instanceId, "i-db")
        assert.isUndefined(store.getUnsafe("i-nope"))
        const error = yield* Effect.flip(store.get("i-nope"))
        assert.strictEqual(error._tag, "InstanceNotFound")
        assert.strictEqual(error.instanceId, "i-nope")
        assert.deepStrictEqual(
          (yield* store.list).map((s) => s.instance.instanceId),
          ["i-web", "i-db"]
        )
      })
    )
  )

  it.effect("attaches the roles of the config when the layer is built, anchored at that instant", () =>
    Effect.gen(function* () {
      yield* TestClock.adjust("90 minutes")
      yield* withStore((store) =>
        Effect.gen(function* () {
          const web = yield* store.get("i-web")
          assert.deepStrictEqual(web.role, {
            name: "WebRole",
            validitySeconds: 21_600,
            overlapSeconds: 1_800,
            anchorMs: 90 * 60_000,
            generation: 0,
            retired: []
          })
          assert.isNull((yield* store.get("i-db")).role)
        })
      )
    })
  )

  it.effect("derives the credential secret from the seed", () =>
    withStore((store) =>
      Effect.gen(function* () {
        assert.deepStrictEqual(store.credentialSecret, sha256("store/ram"))
        yield* store.reload(fleetOf({ seed: "other" }))
        assert.deepStrictEqual(store.credentialSecret, sha256("other/ram"))
      })
    )
  )

  it.effect("layerDefault serves the demo instance to every peer", () =>
    Effect.gen(function* () {
      const store = yield* FleetStore
      const state = yield* store.resolvePeer("203.0.113.9")
      assert.strictEqual(state.role?.name, "AliyunImdsDemoRole")
      assert.strictEqual((yield* store.list).length, 1)
    }).pipe(Effect.provide(FleetStore.layerDefault))
  )
})

describe("FleetStore instance management", () => {
  it.effect("adds an instance with generated values and the fleet defaults, and binds its addresses", () =>
    withStore((store) =>
      Effect.gen(function* () {
        const before = yield* store.version
        const added = yield* store.add({ sourceAddresses: ["127.0.0.5"], ramRole: { name: "New" } })
        assert.match(added.instance.instanceId, /^i-2ze[a-z0-9]{17}$/)
        assert.strictEqual(added.instance.regionId, "cn-beijing")
        assert.strictEqual(added.role?.name, "New")
        assert.strictEqual((yield* store.resolvePeer("127.0.0.5")).instance.instanceId, added.instance.instanceId)
        assert.isAbove(yield* store.version, before)
        assert.strictEqual((yield* store.config).instances.length, 3)
      })
    )
  )

  it.effect("refuses to add an existing id, a bound address or an invalid field", () =>
    withStore((store) =>
      Effect.gen(function* () {
        const exists = yield* Effect.flip(store.add({ instanceId: "i-db" }))
        assert.strictEqual(exists._tag, "InstanceExists")
        const clash = yield* Effect.flip(store.add({ sourceAddresses: ["::ffff:127.0.0.2"] }))
        assert.strictEqual(clash._tag, "FleetInvalid")
        assert.strictEqual(clash._tag === "FleetInvalid" && clash.path, "instance.sourceAddresses[0]")
        const bad = yield* Effect.flip(store.add({ tags: { "..": "x" } }))
        assert.strictEqual(bad._tag === "FleetInvalid" && bad.path, "instance.tags")
        assert.strictEqual((yield* store.list).length, 2)
      })
    )
  )

  it.effect("removes an instance; its peers then go to the default instance", () =>
    withStore((store) =>
      Effect.gen(function* () {
        yield* store.remove("i-db")
        assert.isUndefined(store.getUnsafe("i-db"))
        assert.strictEqual((yield* store.resolvePeer("10.1.1.1")).instance.instanceId, "i-web")
        const error = yield* Effect.flip(store.remove("i-db"))
        assert.strictEqual(error._tag, "InstanceNotFound")
      })
    )
  )

  it.effect("makes the next instance the default when the default is removed", () =>
    withStore((store) =>
      Effect.gen(function* () {
        yield* store.remove("i-web")
        assert.strictEqual((yield* store.config).defaultInstanceId, "i-db")
        assert.strictEqual((yield* store.resolvePeer("192.0.2.1")).instance.instanceId, "i-db")
      })
    )
  )

  it.effect("refuses to remove the last instance and keeps serving it", () =>
    withStore((store) =>
      Effect.gen(function* () {
        yield* store.remove("i-web")
        const error = yield* Effect.flip(store.remove("i-db"))
        assert.strictEqual(error._tag, "FleetInvalid")
        assert.include(error._tag === "FleetInvalid" ? error.message : "", "last instance")
        assert.strictEqual((yield* store.resolvePeer("192.0.2.1")).instance.instanceId, "i-db")
      })
    )
  )

  it.effect("patches meta-data items through overrides, and rejects paths that are not paths", () =>
    withStore((store) =>
      Effect.gen(function* () {
        yield* store.patch("i-web", "/instance/instance-type/", "ecs.g8i.large")
        const state = yield* store.patch("i-web", "hostname", null)
        assert.deepStrictEqual(state.instance.overrides, { "instance/instance-type": "ecs.g8i.large", hostname: null })
        const error = yield* Effect.flip(store.patch("i-web", "a//b", "x"))
        assert.strictEqual(error._tag, "FleetInvalid")
        const missing = yield* Effect.flip(store.patch("i-nope", "hostname", "x"))
        assert.strictEqual(missing._tag, "InstanceNotFound")
      })
    )
  )

  it.effect("gives every change a higher revision and a higher fleet version", () =>
    withStore((store) =>
      Effect.gen(function* () {
        const seen: Array<number> = [(yield* store.get("i-web")).revision]
        const versions: Array<number> = [store.versionUnsafe()]
        for (const change of [
          store.patch("i-web", "hostname", "a"),
          store.scheduleSpot("i-web", 5),
          store.detachRole("i-web"),
          store.reset.pipe(Effect.andThen(store.get("i-web")))
        ]) {
          seen.push((yield* change).revision)
          versions.push(yield* store.version)
        }
        for (let i = 1; i < seen.length; i++) {
          assert.isAbove(seen[i]!, seen[i - 1]!)
          assert.isAbove(versions[i]!, versions[i - 1]!)
        }
      })
    )
  )
})

describe("FleetStore metadata options (ECS API semantics)", () => {
  it.effect("describes and modifies options, keeping parameters that are not given", () =>
    withStore((store) =>
      Effect.gen(function* () {
        assert.deepStrictEqual(yield* store.describeMetadataOptions("i-db"), {
          InstanceId: "i-db",
          HttpEndpoint: "enabled",
          HttpTokens: "optional",
          InstanceMetadataTags: "disabled"
        })
        const after = yield* store.modifyMetadataOptions({ InstanceId: "i-db", HttpTokens: "required" })
        assert.deepStrictEqual(after, {
          InstanceId: "i-db",
          HttpEndpoint: "enabled",
          HttpTokens: "required",
          InstanceMetadataTags: "disabled"
        })
        yield* store.modifyMetadataOptions({
          InstanceId: "i-db",
          HttpEndpoint: "disabled",
          InstanceMetadataTags: "enabled"
        })
        assert.deepStrictEqual((yield* store.get("i-db")).instance.metadataOptions, {
          HttpEndpoint: "disabled",
          HttpTokens: "required",
          InstanceMetadataTags: "enabled"
        })
      })
    )
  )

  it.effect("rejects unsupported values with the ECS codes and messages, changing nothing", () =>
    withStore((store) =>
      Effect.gen(function* () {
        const cases = [
          [
            { HttpEndpoint: "on" },
            "InvalidHttpEndpoint.NotSupported",
            "The specified HttpEndpoint not supported, you can use enabled(default) or disabled."
          ],
          [
            { HttpTokens: "sometimes" },
            "InvalidHttpTokens.NotSupported",
            "The specified HttpTokens not supported, you can use optional(default) or required."
          ],
          [
            { InstanceMetadataTags: "Enabled" },
            "InvalidInstanceMetadataTags.NotSupported",
            "The specified InstanceMetadataTags not supported."
          ]
        ] as const
        for (const [params, code, message] of cases) {
          const error = yield* Effect.flip(
            store.modifyMetadataOptions({ InstanceId: "i-db", HttpTokens: "required", ...params })
          )
          assert.strictEqual(error._tag, "InvalidMetadataOption")
          assert.deepStrictEqual(error._tag === "InvalidMetadataOption" && [error.code, error.message], [code, message])
        }
        assert.strictEqual((yield* store.get("i-db")).instance.metadataOptions.HttpTokens, "optional")
      })
    )
  )

  it.effect("checks HttpEndpoint first, and values before the instance id", () =>
    withStore((store) =>
      Effect.gen(function* () {
        const both = yield* Effect.flip(
          store.modifyMetadataOptions({ InstanceId: "i-nope", HttpEndpoint: "", HttpTokens: "x" })
        )
        assert.strictEqual(both._tag === "InvalidMetadataOption" && both.code, "InvalidHttpEndpoint.NotSupported")
        const missing = yield* Effect.flip(
          store.modifyMetadataOptions({ InstanceId: "i-nope", HttpTokens: "required" })
        )
        assert.strictEqual(missing._tag, "InstanceNotFound")
        const describe = yield* Effect.flip(store.describeMetadataOptions("i-nope"))
        assert.strictEqual(describe._tag, "InstanceNotFound")
      })
    )
  )
})

describe("FleetStore roles, spot and events", () => {
  it.effect("attaches a role anchored now at generation 0, with custom timings", () =>
    withStore((store) =>
      Effect.gen(function* () {
        yield* TestClock.adjust("10 minutes")
        const state = yield* store.attachRole("i-db", "DbRole", { validitySeconds: 3600, overlapSeconds: 600 })
        assert.deepStrictEqual(state.role, {
          name: "DbRole",
          validitySeconds: 3600,
          overlapSeconds: 600,
          anchorMs: 600_000,
          generation: 0,
          retired: []
        })
        assert.deepStrictEqual(state.instance.ramRole, { name: "DbRole", validitySeconds: 3600, overlapSeconds: 600 })
        const bad = yield* Effect.flip(store.attachRole("i-db", "no spaces allowed"))
        assert.strictEqual(bad._tag === "FleetInvalid" && bad.path, "ramRole.name")
        const overlap = yield* Effect.flip(store.attachRole("i-db", "R", { validitySeconds: 60, overlapSeconds: 60 }))
        assert.strictEqual(overlap._tag === "FleetInvalid" && overlap.path, "ramRole.overlapSeconds")
      })
    )
  )

  it.effect("rotates a role from now with the next generation, and needs a role to rotate", () =>
    withStore((store) =>
      Effect.gen(function* () {
        yield* TestClock.adjust("1 hour")
        const rotated = yield* store.rotateRole("i-web")
        assert.strictEqual(rotated.role?.anchorMs, 3_600_000)
        assert.strictEqual(rotated.role?.generation, 1)
        assert.deepStrictEqual(rotated.role?.retired, [{ generation: 0, anchorMs: 0, endedMs: 3_600_000 }])
        yield* TestClock.adjust("1 hour")
        const again = yield* store.rotateRole("i-web")
        assert.strictEqual(again.role?.generation, 2)
        assert.deepStrictEqual(
          again.role?.retired.map((r) => [r.generation, r.endedMs]),
          [
            [1, 7_200_000],
            [0, 3_600_000]
          ]
        )
        // Once a retired series' last key has expired (one validity after the rotation), it is forgotten: at 7.5 h
        // generation 0 (ended at 1 h) is gone, generation 1 (ended at 2 h) still has a key until 8 h.
        yield* TestClock.adjust("330 minutes")
        const later = yield* store.rotateRole("i-web")
        assert.deepStrictEqual(
          later.role?.retired.map((r) => r.generation),
          [2, 1]
        )
        const none = yield* Effect.flip(store.rotateRole("i-db"))
        assert.strictEqual(none._tag, "RoleNotAttached")
        assert.strictEqual(none._tag === "RoleNotAttached" && none.instanceId, "i-db")
      })
    )
  )

  it.effect("detaches a role from the state and the model", () =>
    withStore((store) =>
      Effect.gen(function* () {
        const state = yield* store.detachRole("i-web")
        assert.isNull(state.role)
        assert.isNull(state.instance.ramRole)
        const error = yield* Effect.flip(store.rotateRole("i-web"))
        assert.strictEqual(error._tag, "RoleNotAttached")
      })
    )
  )

  it.effect("schedules and cancels a spot reclaim, marking the instance as spot", () =>
    withStore((store) =>
      Effect.gen(function* () {
        const scheduled = yield* store.scheduleSpot("i-db", Date.UTC(2030, 0, 1))
        assert.strictEqual(scheduled.spotTerminationMs, Date.UTC(2030, 0, 1))
        assert.isTrue(scheduled.instance.spot)
        const cancelled = yield* store.cancelSpot("i-db")
        assert.isNull(cancelled.spotTerminationMs)
        const error = yield* Effect.flip(store.scheduleSpot("i-nope", 1))
        assert.strictEqual(error._tag, "InstanceNotFound")
      })
    )
  )

  it.effect("adds system events with ids derived from the seed and a counter, and clears them", () =>
    Effect.gen(function* () {
      yield* TestClock.adjust("5 seconds")
      const run = withStore((store) =>
        Effect.gen(function* () {
          const a = yield* store.addSystemEvent("i-web", { eventType: "SystemMaintenance.Reboot", notBeforeMs: 9_000 })
          const b = yield* store.addSystemEvent("i-db", {
            eventType: "SystemFailure.Reboot",
            notBeforeMs: 1,
            publishMs: 0
          })
          assert.match(a.eventId, /^e-[a-z0-9]{20}$/)
          assert.notStrictEqual(a.eventId, b.eventId)
          assert.strictEqual(a.publishMs, 5_000)
          assert.strictEqual(b.publishMs, 0)
          assert.deepStrictEqual((yield* store.get("i-web")).systemEvents, [a])
          assert.deepStrictEqual((yield* store.clearSystemEvents("i-web")).systemEvents, [])
          return [a.eventId, b.eventId]
        })
      )
      assert.deepStrictEqual(yield* run, yield* run)
    })
  )
})

describe("FleetStore reset and reload", () => {
  it.effect("reset returns to the loaded config, re-anchoring roles at now", () =>
    withStore((store) =>
      Effect.gen(function* () {
        yield* store.add({ instanceId: "i-extra" })
        yield* store.remove("i-db")
        yield* store.patch("i-web", "hostname", "x")
        yield* store.detachRole("i-web")
        yield* TestClock.adjust("2 hours")
        yield* store.reset
        assert.deepStrictEqual(
          (yield* store.list).map((s) => s.instance.instanceId),
          ["i-web", "i-db"]
        )
        const web = yield* store.get("i-web")
        assert.deepStrictEqual(web.instance, config.instances[0])
        assert.strictEqual(web.role?.anchorMs, 7_200_000)
        assert.deepStrictEqual(yield* store.config, config)
      })
    )
  )

  it.effect("reload replaces the whole fleet, and reset then returns to the reloaded one", () =>
    withStore((store) =>
      Effect.gen(function* () {
        const next = fleetOf({
          unmatchedPeers: "refuse",
          instances: [{ instanceId: "i-new", sourceAddresses: ["127.0.0.7"] }]
        })
        yield* store.reload(next)
        assert.isUndefined(store.getUnsafe("i-web"))
        assert.strictEqual((yield* store.resolvePeer("127.0.0.7")).instance.instanceId, "i-new")
        assert.strictEqual((yield* Effect.flip(store.resolvePeer("127.0.0.2")))._tag, "UnboundPeer")
        yield* store.add({ instanceId: "i-later" })
        yield* store.reset
        assert.deepStrictEqual(yield* store.config, next)
      })
    )
  )
})
