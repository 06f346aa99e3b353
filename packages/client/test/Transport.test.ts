import { assert, describe, it } from "@effect/vitest"
import { Effect, Fiber } from "effect"
import { TestClock } from "effect/testing"
import { afterEach } from "vitest"
import { Forbidden, ImdsClient, NotFound, ServerError, Throttled, Timeout, Transport } from "../src/index.ts"
import {
  admin,
  clientFor,
  clientLayerFor,
  eventually,
  isTokenPut,
  journal,
  lastSeq,
  useEmulator,
  watchHolds,
  withoutJitter
} from "./support/emulator.ts"

const instanceIdPath = "/latest/meta-data/instance-id"

const failure = async (promise: Promise<unknown>): Promise<unknown> =>
  promise.then(
    () => assert.fail("expected a failure"),
    (e: unknown) => e
  )

describe("retries and faults", () => {
  const server = useEmulator()
  afterEach(async () => {
    const s = server()
    s.services.faults.table.clear()
    await admin(s, s.services.fleet.modifyMetadataOptions({ InstanceId: s.defaultInstanceId, HttpEndpoint: "enabled" }))
  })

  it("429 twice then 200 succeeds on the third attempt, and says so", async () => {
    const s = server()
    const client = clientFor(s)
    await client.regionId() // warm the token so the journal shows only the GETs
    s.services.faults.table.add({ pathPrefix: instanceIdPath, action: { type: "status", status: 429 }, times: 2 })
    const since = await lastSeq(s)
    const response = await client.get("meta-data/instance-id")
    assert.strictEqual(response.attempts, 3)
    assert.strictEqual(new TextDecoder().decode(response.body), s.defaultInstanceId)
    assert.deepStrictEqual(
      (await journal(s, since)).map((e) => e.status),
      [429, 429, 200]
    )
  })

  it("429 on every attempt fails with Throttled carrying status, path and attempts", async () => {
    const s = server()
    s.services.faults.table.add({ pathPrefix: instanceIdPath, action: { type: "status", status: 429 } })
    const error = await failure(clientFor(s, { maxAttempts: 3 }).instanceId())
    assert.instanceOf(error, Throttled)
    const throttled = error as Throttled
    assert.deepStrictEqual([throttled.status, throttled.path, throttled.attempts], [429, instanceIdPath, 3])
    assert.include(throttled.message, "cache rarely-changing items")
  })

  it("500 on the token PUT: auto falls back to normal mode", async () => {
    const s = server()
    s.services.faults.table.add({ route: "token", action: { type: "status", status: 500 } })
    const since = await lastSeq(s)
    const client = clientFor(s, { mode: "auto", maxAttempts: 2 })
    const response = await client.get("meta-data/instance-id")
    assert.strictEqual(response.mode, "normal")
    assert.strictEqual(client.lastMode, "normal")
    const entries = await journal(s, since)
    assert.strictEqual(entries.filter(isTokenPut).length, 2)
    assert.deepStrictEqual(
      entries.filter((e) => e.method === "GET").map((e) => [e.mode, e.status]),
      [["normal", 200]]
    )
  })

  it("500 on the token PUT: token mode fails clearly and sends no normal-mode request", async () => {
    const s = server()
    s.services.faults.table.add({ route: "token", action: { type: "status", status: 500 } })
    const since = await lastSeq(s)
    const error = await failure(clientFor(s, { maxAttempts: 2 }).instanceId())
    assert.instanceOf(error, ServerError)
    assert.strictEqual((error as ServerError).path, "/latest/api/token")
    assert.strictEqual((error as ServerError).attempts, 2)
    assert.include((error as ServerError).message, "failed with 500 on /latest/api/token")
    assert.include((error as ServerError).message, "never falls back to normal mode")
    const entries = await journal(s, since)
    assert.strictEqual(entries.filter((e) => e.mode === "normal").length, 0)
    assert.strictEqual(entries.filter((e) => e.method === "GET").length, 0)
  })

  it("ALIBABA_CLOUD_IMDSV1_DISABLED=true keeps auto mode from falling back", async () => {
    const s = server()
    s.services.faults.table.add({ route: "token", action: { type: "status", status: 404 } })
    const since = await lastSeq(s)
    const client = clientFor(s, { mode: "auto", env: { ALIBABA_CLOUD_IMDSV1_DISABLED: "true" } })
    const error = await failure(client.instanceId())
    assert.instanceOf(error, NotFound)
    assert.include((error as NotFound).message, "predates hardened mode")
    assert.strictEqual((await journal(s, since)).filter((e) => e.mode === "normal").length, 0)
  })

  it("auto mode remembers a fallback for a while instead of re-asking for a token on every call", async () => {
    const s = server()
    s.services.faults.table.add({ route: "token", action: { type: "status", status: 405 } })
    const client = clientFor(s, { mode: "auto" })
    await client.instanceId()
    const since = await lastSeq(s)
    await client.regionId()
    const entries = await journal(s, since)
    assert.deepStrictEqual(
      entries.map((e) => [e.method, e.mode]),
      [["GET", "normal"]]
    )
  })

  it("a fallback is forgotten as soon as normal mode is refused, so tokens are tried again", async () => {
    const s = server()
    const id = s.defaultInstanceId
    s.services.faults.table.add({ route: "token", action: { type: "status", status: 405 }, times: 1 })
    const client = clientFor(s, { mode: "auto" })
    await client.instanceId()
    assert.strictEqual(client.lastMode, "normal")
    await admin(
      s,
      s.services.fleet.modifyMetadataOptions({ InstanceId: id, HttpEndpoint: "enabled", HttpTokens: "required" })
    )
    try {
      const error = await failure(client.instanceId())
      assert.instanceOf(error, Forbidden)
      assert.strictEqual((error as Forbidden).reason, "normalModeRefused")
      assert.strictEqual(await client.instanceId(), id)
      assert.strictEqual(client.lastMode, "token")
    } finally {
      await admin(
        s,
        s.services.fleet.modifyMetadataOptions({ InstanceId: id, HttpEndpoint: "enabled", HttpTokens: "optional" })
      )
    }
  })

  it("a disabled endpoint refuses the token PUT with advice to enable it", async () => {
    const s = server()
    await admin(
      s,
      s.services.fleet.modifyMetadataOptions({ InstanceId: s.defaultInstanceId, HttpEndpoint: "disabled" })
    )
    const error = await failure(clientFor(s).instanceId())
    assert.instanceOf(error, Forbidden)
    assert.strictEqual((error as Forbidden).reason, "tokenRequestRefused")
    assert.include((error as Forbidden).message, "ModifyInstanceMetadataOptions")
  })

  // Deadlines and backoff are Effect timers: these run the Effect API on the TestClock and move time by hand, so each
  // budget is checked to the millisecond (running 1 ms before it, failed at it). Requests still cross real sockets,
  // and every attempt is on the server, held there, before its deadline is reached.
  const timeoutHeld = (e: { readonly status: number; readonly reason: string | null }) => [e.status, e.reason]

  /** The call's error, which must be there already: the clock was moved exactly to the deadline. */
  const failedAtDeadline = <A, E>(fiber: Fiber.Fiber<A, E>) => {
    assert.isDefined(fiber.pollUnsafe(), "the call is still running at its deadline")
    return Effect.flip(Fiber.join(fiber))
  }

  it.effect("latency above the per-attempt deadline fails with Timeout", () =>
    Effect.gen(function* () {
      const s = server()
      const imds = yield* ImdsClient
      yield* imds.regionId
      const held = watchHolds(s)
      // Far longer than the test runs, so the server never answers in time whatever the machine's load.
      s.services.faults.table.add({ pathPrefix: instanceIdPath, action: { type: "latency", ms: 60_000 } })
      const since = yield* Effect.promise(() => lastSeq(s))
      const fiber = yield* Effect.forkChild(imds.instanceId)
      yield* eventually(() => assert.strictEqual(held(), 1))
      yield* TestClock.adjust(199) // connect 100 + read 100 = a 200 ms deadline per attempt
      assert.isUndefined(fiber.pollUnsafe(), "the call ended before its deadline")
      yield* TestClock.adjust(1)
      yield* TestClock.adjust(5) // the first backoff: half of backoffBaseMs
      yield* eventually(() => assert.strictEqual(held(), 2))
      yield* TestClock.adjust(199)
      assert.isUndefined(fiber.pollUnsafe(), "the call ended before its deadline")
      yield* TestClock.adjust(1)
      const error = yield* failedAtDeadline(fiber)
      assert.instanceOf(error, Timeout)
      assert.deepStrictEqual([error.budget, error.attempts, error.timeoutMs], ["attempt", 2, 200])
      // The client hung up on both held requests rather than waiting for the server.
      yield* eventually(async () =>
        assert.deepStrictEqual((await journal(s, since)).map(timeoutHeld), [
          [0, "ClientClosed"],
          [0, "ClientClosed"]
        ])
      )
    }).pipe(
      Effect.provide(clientLayerFor(server(), { connectTimeoutMs: 100, readTimeoutMs: 100, maxAttempts: 2 })),
      withoutJitter
    )
  )

  it.effect("a black hole fails with Timeout within the total budget", () =>
    Effect.gen(function* () {
      const s = server()
      const imds = yield* ImdsClient
      yield* imds.regionId
      const held = watchHolds(s)
      s.services.faults.table.add({ pathPrefix: instanceIdPath, action: { type: "blackhole" } })
      const since = yield* Effect.promise(() => lastSeq(s))
      const fiber = yield* Effect.forkChild(imds.instanceId)
      // Attempts of 200 ms with backoffs of 5, 10 and 20 ms start at 0, 205, 415 and 635; the 700 ms budget ends
      // the fourth before its own deadline (835).
      for (const [attempt, backoff] of [
        [1, 5],
        [2, 10],
        [3, 20]
      ] as const) {
        yield* eventually(() => assert.strictEqual(held(), attempt))
        yield* TestClock.adjust(200)
        yield* TestClock.adjust(backoff)
      }
      yield* eventually(() => assert.strictEqual(held(), 4))
      yield* TestClock.adjust(64) // 699
      assert.isUndefined(fiber.pollUnsafe(), "the call ended before its deadline")
      yield* TestClock.adjust(1)
      const error = yield* failedAtDeadline(fiber)
      assert.instanceOf(error, Timeout)
      assert.deepStrictEqual([error.budget, error.attempts, error.timeoutMs], ["total", 4, 700])
      assert.strictEqual(held(), 4)
      yield* eventually(async () =>
        assert.deepStrictEqual(
          (await journal(s, since)).map(timeoutHeld),
          Array.from({ length: 4 }, () => [0, "Fault:blackhole"])
        )
      )
    }).pipe(
      Effect.provide(
        clientLayerFor(server(), { connectTimeoutMs: 100, readTimeoutMs: 100, maxAttempts: 50, totalTimeoutMs: 700 })
      ),
      withoutJitter
    )
  )

  it.effect("the total budget cuts a slow attempt short", () =>
    Effect.gen(function* () {
      const s = server()
      const imds = yield* ImdsClient
      yield* imds.regionId
      const held = watchHolds(s)
      s.services.faults.table.add({ pathPrefix: instanceIdPath, action: { type: "latency", ms: 60_000 } })
      const fiber = yield* Effect.forkChild(imds.instanceId)
      yield* eventually(() => assert.strictEqual(held(), 1))
      yield* TestClock.adjust(199)
      assert.isUndefined(fiber.pollUnsafe(), "the call ended before its deadline")
      yield* TestClock.adjust(1)
      const error = yield* failedAtDeadline(fiber)
      assert.instanceOf(error, Timeout)
      assert.deepStrictEqual([error.budget, error.attempts, error.timeoutMs], ["total", 1, 200])
    }).pipe(Effect.provide(clientLayerFor(server(), { readTimeoutMs: 5000, totalTimeoutMs: 200 })))
  )

  it("connection resets are retried, then reported as Transport", async () => {
    const s = server()
    const client = clientFor(s, { maxAttempts: 3 })
    await client.regionId()
    s.services.faults.table.add({ pathPrefix: instanceIdPath, action: { type: "reset" }, times: 2 })
    assert.strictEqual((await client.get("meta-data/instance-id")).attempts, 3)
    s.services.faults.table.add({ pathPrefix: instanceIdPath, action: { type: "reset" } })
    const error = await failure(client.instanceId())
    assert.instanceOf(error, Transport)
    assert.strictEqual((error as Transport).attempts, 3)
  })

  it("a refused connection on loopback is a Transport error that names the emulator escape hatch", async () => {
    const client = clientFor(server(), { endpoint: "http://127.0.0.1:1", maxAttempts: 2 })
    const error = await failure(client.instanceId())
    assert.instanceOf(error, Transport)
    assert.strictEqual((error as Transport).path, "/latest/api/token")
    assert.include((error as Transport).message, "ALIBABA_CLOUD_IMDS_ENDPOINT")
  })

  it("auto mode falls back when the token endpoint cannot be reached but metadata can", async () => {
    const s = server()
    s.services.faults.table.add({ route: "token", action: { type: "reset" } })
    const client = clientFor(s, { mode: "auto", maxAttempts: 2 })
    assert.strictEqual(await client.instanceId(), s.defaultInstanceId)
    assert.strictEqual(client.lastMode, "normal")
  })
})
