import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { TestClock } from "effect/testing"
import { Throttle, TokenBucket } from "../src/access/Throttle.ts"

const provide = Effect.provide(Throttle.layer)

describe("TokenBucket", () => {
  it("admits a full burst at once, then refuses with the time until the next token", () => {
    const bucket = new TokenBucket({ ratePerSecond: 2, burst: 3 })
    for (let i = 0; i < 3; i++) assert.deepStrictEqual(bucket.take(1_000), { allowed: true })
    assert.deepStrictEqual(bucket.take(1_000), { allowed: false, retryAfterMs: 500 })
    assert.deepStrictEqual(bucket.take(1_200), { allowed: false, retryAfterMs: 300 })
  })

  it("refills from elapsed time and admits exactly at retryAfterMs, not a millisecond before", () => {
    const bucket = new TokenBucket({ ratePerSecond: 3, burst: 1 })
    assert.isTrue(bucket.take(0).allowed)
    const refused = bucket.take(0)
    assert.deepStrictEqual(refused, { allowed: false, retryAfterMs: 334 })
    assert.isFalse(bucket.take(333).allowed)
    assert.isTrue(bucket.take(334).allowed)
  })

  it("refills at most up to the burst however long it idles", () => {
    const bucket = new TokenBucket({ ratePerSecond: 10, burst: 2 })
    bucket.take(0)
    bucket.take(0)
    const later = 3_600_000
    assert.isTrue(bucket.take(later).allowed)
    assert.isTrue(bucket.take(later).allowed)
    assert.deepStrictEqual(bucket.take(later), { allowed: false, retryAfterMs: 100 })
  })

  it("a clock moved backwards grants no tokens", () => {
    const bucket = new TokenBucket({ ratePerSecond: 1, burst: 1 })
    assert.isTrue(bucket.take(10_000).allowed)
    assert.isFalse(bucket.take(5_000).allowed)
    assert.isFalse(bucket.take(5_999).allowed)
    assert.isTrue(bucket.take(6_000).allowed)
  })
})

describe("Throttle", () => {
  it.effect("with no rule every request is allowed", () =>
    Effect.gen(function* () {
      const throttle = yield* Throttle
      for (let i = 0; i < 1_000; i++) assert.isTrue(throttle.checkUnsafe("i-a", 0).allowed)
      assert.deepStrictEqual(yield* throttle.rules, {})
    }).pipe(provide)
  )

  it.effect("refuses after the burst and refills as the TestClock advances", () =>
    Effect.gen(function* () {
      const throttle = yield* Throttle
      yield* throttle.set("i-a", { ratePerSecond: 1, burst: 2 })
      assert.isTrue((yield* throttle.check("i-a")).allowed)
      assert.isTrue((yield* throttle.check("i-a")).allowed)
      assert.deepStrictEqual(yield* throttle.check("i-a"), { allowed: false, retryAfterMs: 1_000 })
      yield* TestClock.adjust("999 millis")
      assert.deepStrictEqual(yield* throttle.check("i-a"), { allowed: false, retryAfterMs: 1 })
      yield* TestClock.adjust("1 millis")
      assert.isTrue((yield* throttle.check("i-a")).allowed)
    }).pipe(provide)
  )

  it.effect("check at a given instant uses that instant, not the clock's", () =>
    Effect.gen(function* () {
      const throttle = yield* Throttle
      yield* throttle.set("i-a", { ratePerSecond: 1, burst: 1 })
      assert.isTrue((yield* throttle.check("i-a", 50_000)).allowed)
      assert.deepStrictEqual(yield* throttle.check("i-a", 50_400), { allowed: false, retryAfterMs: 600 })
      assert.isTrue((yield* throttle.check("i-a", 51_000)).allowed)
      assert.deepStrictEqual(throttle.checkUnsafe("i-a", 51_250), { allowed: false, retryAfterMs: 750 })
    }).pipe(provide)
  )

  it.effect("an instance rule wins over the * fallback, and each instance has its own bucket", () =>
    Effect.gen(function* () {
      const throttle = yield* Throttle
      yield* throttle.set("*", { ratePerSecond: 1, burst: 1 })
      yield* throttle.set("i-vip", { ratePerSecond: 1, burst: 3 })
      const admitted = (id: string) => {
        let n = 0
        for (let i = 0; i < 10; i++) if (throttle.checkUnsafe(id, 0).allowed) n++
        return n
      }
      assert.strictEqual(admitted("i-vip"), 3)
      assert.strictEqual(admitted("i-a"), 1)
      assert.strictEqual(admitted("i-b"), 1)
      assert.deepStrictEqual(yield* throttle.rules, {
        "*": { ratePerSecond: 1, burst: 1 },
        "i-vip": { ratePerSecond: 1, burst: 3 }
      })
    }).pipe(provide)
  )

  it.effect("changing a rule starts a fresh, full bucket", () =>
    Effect.gen(function* () {
      const throttle = yield* Throttle
      yield* throttle.set("i-a", { ratePerSecond: 1, burst: 1 })
      assert.isTrue(throttle.checkUnsafe("i-a", 0).allowed)
      assert.isFalse(throttle.checkUnsafe("i-a", 0).allowed)
      yield* throttle.set("i-a", { ratePerSecond: 1, burst: 2 })
      assert.isTrue(throttle.checkUnsafe("i-a", 0).allowed)
      assert.isTrue(throttle.checkUnsafe("i-a", 0).allowed)
      assert.isFalse(throttle.checkUnsafe("i-a", 0).allowed)
    }).pipe(provide)
  )

  it.effect("clear of one target falls back to *; clear with no target lifts every limit", () =>
    Effect.gen(function* () {
      const throttle = yield* Throttle
      yield* throttle.set("*", { ratePerSecond: 1, burst: 1 })
      yield* throttle.set("i-a", { ratePerSecond: 1, burst: 5 })
      yield* throttle.clear("i-a")
      assert.isTrue(throttle.checkUnsafe("i-a", 0).allowed)
      assert.isFalse(throttle.checkUnsafe("i-a", 0).allowed)
      yield* throttle.clear()
      assert.deepStrictEqual(yield* throttle.rules, {})
      for (let i = 0; i < 10; i++) assert.isTrue(throttle.checkUnsafe("i-a", 0).allowed)
    }).pipe(provide)
  )

  it.effect("enforce fails with Throttled carrying the instance and retryAfterMs", () =>
    Effect.gen(function* () {
      const throttle = yield* Throttle
      yield* throttle.set("i-a", { ratePerSecond: 4, burst: 1 })
      yield* throttle.enforce("i-a")
      const error = yield* Effect.flip(throttle.enforce("i-a"))
      assert.strictEqual(error._tag, "Throttled")
      assert.strictEqual(error.instanceId, "i-a")
      assert.strictEqual(error.retryAfterMs, 250)
    }).pipe(provide)
  )

  it.effect("rejects rules that could never admit a request, naming the field", () =>
    Effect.gen(function* () {
      const throttle = yield* Throttle
      const zeroRate = yield* Effect.flip(throttle.set("i-a", { ratePerSecond: 0, burst: 1 }))
      assert.deepStrictEqual(
        [zeroRate._tag, zeroRate.field, zeroRate.value],
        ["InvalidThrottleRule", "ratePerSecond", 0]
      )
      const fractionalBurst = yield* Effect.flip(throttle.set("i-a", { ratePerSecond: 1, burst: 1.5 }))
      assert.deepStrictEqual([fractionalBurst.field, fractionalBurst.value], ["burst", 1.5])
      for (const burst of [0, -1, Number.NaN]) {
        const refused = yield* Effect.flip(throttle.set("i-a", { ratePerSecond: 1, burst }))
        assert.deepStrictEqual([refused.field, refused.value], ["burst", burst])
      }
      const nanRate = yield* Effect.flip(throttle.set("i-a", { ratePerSecond: Number.NaN, burst: 1 }))
      assert.strictEqual(nanRate.field, "ratePerSecond")
      assert.deepStrictEqual(yield* throttle.rules, {})
    }).pipe(provide)
  )
})
