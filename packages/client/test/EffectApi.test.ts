import { assert, describe, it } from "@effect/vitest"
import { ConfigProvider, Effect, Fiber, Layer, Option } from "effect"
import { FetchHttpClient } from "effect/http"
import { ImdsClient, NotFound } from "../src/index.ts"
import { type Emulator, journal, lastSeq, useEmulator } from "./support/emulator.ts"

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

  it.live("interrupting the fiber stops the retries", () =>
    Effect.gen(function* () {
      const s = server()
      const imds = yield* ImdsClient
      yield* imds.regionId
      s.services.faults.table.add({ pathPrefix: "/latest/meta-data/hostname", action: { type: "status", status: 503 } })
      const since = yield* Effect.promise(() => lastSeq(s))
      const fiber = yield* Effect.forkChild(imds.hostname)
      yield* Effect.sleep("120 millis")
      yield* Fiber.interrupt(fiber)
      const atInterrupt = (yield* Effect.promise(() => journal(s, since))).length
      assert.isAtLeast(atInterrupt, 2)
      yield* Effect.sleep("150 millis")
      assert.strictEqual((yield* Effect.promise(() => journal(s, since))).length, atInterrupt)
      s.services.faults.table.clear()
    }).pipe(Effect.provide(layerFor(server())))
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
