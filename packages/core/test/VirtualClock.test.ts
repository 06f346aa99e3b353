import { assert, describe, it } from "@effect/vitest"
import { Clock, Effect } from "effect"
import { TestClock } from "effect/testing"
import { VirtualClock } from "../src/clock/VirtualClock.ts"

describe("VirtualClock", () => {
  it.effect("follows the underlying clock plus an offset that advance moves", () =>
    Effect.gen(function* () {
      const clock = yield* VirtualClock
      yield* TestClock.adjust("10 seconds")
      assert.strictEqual(yield* clock.now, 10_000)
      yield* clock.advance("6 hours")
      assert.strictEqual(yield* clock.now, 10_000 + 6 * 3600_000)
    }).pipe(Effect.provide(VirtualClock.layer))
  )

  it.effect("layerWithClock makes Effect's Clock read virtual time", () =>
    Effect.gen(function* () {
      const clock = yield* VirtualClock
      yield* clock.advance("6 hours")
      assert.strictEqual(yield* Clock.currentTimeMillis, 6 * 3600_000)
      yield* clock.set(Date.UTC(2030, 5, 1))
      assert.strictEqual(yield* Clock.currentTimeMillis, Date.UTC(2030, 5, 1))
    }).pipe(Effect.provide(VirtualClock.layerWithClock))
  )

  it.effect("set jumps to an absolute instant and keeps ticking from there", () =>
    Effect.gen(function* () {
      const clock = yield* VirtualClock
      yield* clock.set(Date.UTC(2026, 0, 1))
      yield* TestClock.adjust("1 second")
      assert.strictEqual(yield* clock.now, Date.UTC(2026, 0, 1) + 1000)
    }).pipe(Effect.provide(VirtualClock.layer))
  )

  it.effect("freeze stops time, advance still moves it, resume continues from the frozen instant", () =>
    Effect.gen(function* () {
      const clock = yield* VirtualClock
      yield* TestClock.adjust("5 seconds")
      const frozen = yield* clock.freeze
      assert.isTrue(frozen.frozen)
      yield* TestClock.adjust("1 minute")
      assert.strictEqual(yield* clock.now, 5_000)
      yield* clock.advance("2 seconds")
      assert.strictEqual(yield* clock.now, 7_000)
      yield* clock.resume
      yield* TestClock.adjust("1 second")
      assert.strictEqual(yield* clock.now, 8_000)
      const reset = yield* clock.reset
      assert.strictEqual(reset.now, 66_000)
      assert.isFalse(reset.frozen)
    }).pipe(Effect.provide(VirtualClock.layer))
  )
})

describe("VirtualClock saved settings", () => {
  it.effect("are the offset and the frozen instant, and restore takes them over on another clock", () =>
    Effect.gen(function* () {
      const clock = yield* VirtualClock
      yield* clock.advance("1 hour")
      assert.deepStrictEqual(yield* clock.saved, { offsetMs: 3_600_000, frozenAtMs: null })
      yield* TestClock.adjust("2 seconds")
      yield* clock.freeze
      const frozen = yield* clock.saved
      assert.deepStrictEqual(frozen, { offsetMs: 3_600_000, frozenAtMs: 3_602_000 })
      yield* clock.reset
      yield* TestClock.adjust("5 seconds")
      assert.deepStrictEqual(yield* clock.restore(frozen), { now: 3_602_000, offsetMs: 3_600_000, frozen: true })
      yield* clock.resume
      yield* clock.restore({ offsetMs: -1_000, frozenAtMs: null })
      assert.strictEqual(yield* clock.now, 7_000 - 1_000)
      yield* TestClock.adjust("1 second")
      assert.strictEqual(yield* clock.now, 7_000)
    }).pipe(Effect.provide(VirtualClock.layer))
  )
})
