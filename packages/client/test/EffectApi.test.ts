import { assert, describe, it } from "@effect/vitest"
import { ConfigProvider, Effect, Exit, Fiber, Layer, Option } from "effect"
import { FetchHttpClient } from "effect/http"
import { TestClock } from "effect/testing"
import { ImdsClient, NotFound } from "../src/index.ts"
import {
  type Emulator,
  eventually,
  journal,
  lastSeq,
  useEmulator,
  watchSleeps,
  withoutJitter
} from "./support/emulator.ts"

const hostnamePath = "/latest/meta-data/hostname"

/** The service, configured from an environment that points at the emulator. */
const layerFor = (s: Emulator) =>
  ImdsClient.layer({ backoffBaseMs: 10, backoffMaxMs: 20 }).pipe(
    Layer.provide(ConfigProvider.layer(ConfigProvider.fromEnvRecord({ ALIBABA_CLOUD_IMDS_ENDPOINT: s.dataUrl })))
  )

describe("ImdsClient (Effect API)", () => {
  const server = useEmulator()

  it.live("accessors are Effects; 404 items are Option.none", () =>
    Effect.gen(function* () {
      const imds = yield* ImdsClient
      assert.strictEqual(yield* imds.instanceId, server().defaultInstanceId)
      assert.isTrue(Option.isNone(yield* imds.spotTerminationTime))
      assert.isTrue(Option.isSome(yield* imds.userData))
      assert.deepStrictEqual(yield* imds.lastMode, Option.some("token"))
    }).pipe(Effect.provide(layerFor(server())))
  )

  it.live("errors are typed and can be caught by tag", () =>
    Effect.gen(function* () {
      const imds = yield* ImdsClient
      const error = yield* Effect.flip(imds.getText("meta-data/no-such-item"))
      assert.instanceOf(error, NotFound)
      assert.strictEqual(error.status, 404)
      const recovered = yield* imds
        .getText("meta-data/no-such-item")
        .pipe(Effect.catchTag("NotFound", () => Effect.succeed("fallback")))
      assert.strictEqual(recovered, "fallback")
    }).pipe(Effect.provide(layerFor(server())))
  )

  it.effect("interrupting the fiber stops the retries", () =>
    Effect.gen(function* () {
      const s = server()
      const imds = yield* ImdsClient
      yield* imds.regionId
      s.services.faults.table.add({ pathPrefix: hostnamePath, action: { type: "status", status: 503 } })
      const since = yield* Effect.promise(() => lastSeq(s))
      const sent = Effect.promise(async () => (await journal(s, since)).map((e) => [e.path, e.status]))
      const clock = yield* watchSleeps
      const fiber = yield* Effect.forkChild(clock.run(imds.hostname))
      // Backoffs of 5 then 10 ms (jitter pinned): let the first pass, interrupt during the second.
      yield* eventually(() => assert.include(clock.pending(), 5))
      yield* TestClock.adjust(5)
      yield* eventually(() => assert.include(clock.pending(), 10))
      assert.deepStrictEqual(yield* sent, [
        [hostnamePath, 503],
        [hostnamePath, 503]
      ])
      yield* Fiber.interrupt(fiber)
      assert.isTrue(Exit.hasInterrupts(yield* Fiber.await(fiber)))
      // Nothing is left to wake (no backoff, attempt deadline or budget), and moving the clock far past all of them
      // sends nothing: a later request is the next thing the server sees.
      assert.deepStrictEqual(clock.pending(), [])
      yield* TestClock.adjust("1 hour")
      yield* imds.regionId
      assert.deepStrictEqual(yield* sent, [
        [hostnamePath, 503],
        [hostnamePath, 503],
        ["/latest/meta-data/region-id", 200]
      ])
      s.services.faults.table.clear()
    }).pipe(Effect.provide(layerFor(server())), withoutJitter)
  )

  it.live("layerNoDeps takes any HttpClient; ALIBABA_CLOUD_IMDSV1_DISABLED comes from Config", () =>
    Effect.gen(function* () {
      const s = server()
      s.services.faults.table.add({ route: "token", action: { type: "status", status: 404 } })
      const imds = yield* ImdsClient
      const error = yield* Effect.flip(imds.instanceId)
      assert.strictEqual(error._tag, "NotFound")
      assert.strictEqual(error.path, "/latest/api/token")
      s.services.faults.table.clear()
    }).pipe(
      Effect.provide(
        ImdsClient.layerNoDeps({ mode: "auto" }).pipe(
          Layer.provide(FetchHttpClient.layer),
          Layer.provide(
            ConfigProvider.layer(
              ConfigProvider.fromEnvRecord({
                ALIBABA_CLOUD_IMDS_ENDPOINT: server().dataUrl,
                ALIBABA_CLOUD_IMDSV1_DISABLED: "true"
              })
            )
          )
        )
      )
    )
  )
})
