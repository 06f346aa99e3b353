import { setFlagsFromString } from "node:v8"
import { runInNewContext } from "node:vm"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Layer } from "effect"
import { TestClock } from "effect/testing"
import { VirtualClock } from "../src/clock/VirtualClock.ts"
import { CounterEvents, Counters, tokenRefusalReasons } from "../src/counters/Counters.ts"
import { Series } from "../src/series/Series.ts"
import { SeriesStore, seriesMetrics, stepProblem } from "../src/series/SeriesStore.ts"

const provide = Effect.provide(Series.layerWithCounters.pipe(Layer.provideMerge(VirtualClock.layer)))
const hour = 3_600_000
const last = (xs: ReadonlyArray<number> | undefined) => xs![xs!.length - 1]

describe("Series", () => {
  it.effect("counts what the counters count, per instance and for the fleet, in the bucket of the virtual now", () =>
    Effect.gen(function* () {
      const counters = yield* Counters
      const series = yield* Series
      yield* TestClock.adjust("10 hours")
      counters.recordUnsafe("i-a", CounterEvents.normalOk)
      counters.recordUnsafe("i-a", CounterEvents.normalOk)
      counters.recordUnsafe("i-b", CounterEvents.tokenRefused.expired)
      yield* counters.record("i-b", CounterEvents.tokenOk)
      const a = yield* series.query({ instanceId: "i-a", window: "1h" })
      const fleet = yield* series.query({ instanceId: null, window: "1h" })
      assert.strictEqual(a.times.length, 120)
      assert.strictEqual(last(a.metrics.normalOk), 2)
      assert.strictEqual(a.totals.tokenOk, 0)
      assert.strictEqual(last(fleet.metrics["tokenRefused.expired"]), 1)
      assert.strictEqual(fleet.totals.tokenOk, 1)
      assert.strictEqual(fleet.totals.normalOk, 2)
      assert.strictEqual((yield* counters.snapshot("i-a")).totals.normalOk, 2)
    }).pipe(provide)
  )

  it.effect("puts events in 30-second buckets and sums them into coarser steps", () =>
    Effect.gen(function* () {
      const counters = yield* Counters
      const series = yield* Series
      yield* TestClock.adjust(hour)
      counters.recordUnsafe("i-a", CounterEvents.normalOk)
      yield* TestClock.adjust("29 seconds")
      counters.recordUnsafe("i-a", CounterEvents.normalOk)
      yield* TestClock.adjust("1 second")
      counters.recordUnsafe("i-a", CounterEvents.normalOk)
      const fine = yield* series.query({ instanceId: "i-a", window: "1h", metrics: ["normalOk"] })
      assert.deepStrictEqual(fine.metrics.normalOk!.slice(-3), [0, 2, 1])
      assert.strictEqual(last(fine.times), hour + 30_000)
      assert.deepStrictEqual(Object.keys(fine.metrics), ["normalOk"])
      const coarse = yield* series.query({ instanceId: "i-a", window: "1h", stepMs: 300_000, metrics: ["normalOk"] })
      assert.strictEqual(coarse.times.length, 12)
      assert.strictEqual(last(coarse.metrics.normalOk), 3)
    }).pipe(provide)
  )

  it.effect("keeps a window's history and forgets what fell out of it", () =>
    Effect.gen(function* () {
      const counters = yield* Counters
      const series = yield* Series
      counters.recordUnsafe("i-a", CounterEvents.normalOk)
      yield* TestClock.adjust("59 minutes")
      assert.strictEqual((yield* series.query({ instanceId: "i-a", window: "1h" })).totals.normalOk, 1)
      yield* TestClock.adjust("1 minute")
      counters.recordUnsafe("i-a", CounterEvents.tokenOk)
      const hourly = yield* series.query({ instanceId: "i-a", window: "1h" })
      assert.strictEqual(hourly.totals.normalOk, 0)
      assert.strictEqual(hourly.totals.tokenOk, 1)
      assert.strictEqual((yield* series.query({ instanceId: "i-a", window: "6h" })).totals.normalOk, 1)
      yield* TestClock.adjust("7 days")
      assert.strictEqual((yield* series.query({ instanceId: "i-a", window: "7d" })).totals.tokenOk, 0)
    }).pipe(provide)
  )

  it.effect("follows the virtual clock: advancing 6 hours moves earlier traffic six hours back in the chart", () =>
    Effect.gen(function* () {
      const counters = yield* Counters
      const series = yield* Series
      const clock = yield* VirtualClock
      yield* TestClock.adjust("1 day")
      counters.recordUnsafe("i-a", CounterEvents.normalOk)
      yield* clock.advance("6 hours")
      counters.recordUnsafe("i-a", CounterEvents.tokenOk)
      const sixHours = yield* series.query({ instanceId: "i-a", window: "1d", stepMs: hour })
      const ok = sixHours.metrics.normalOk!
      assert.strictEqual(ok[ok.length - 1 - 6], 1)
      assert.strictEqual(last(sixHours.metrics.tokenOk), 1)
      assert.strictEqual((yield* series.query({ instanceId: "i-a", window: "1h" })).totals.normalOk, 0)
    }).pipe(provide)
  )

  it.effect("forgets what was counted after the instant the clock is set back to", () =>
    Effect.gen(function* () {
      const counters = yield* Counters
      const series = yield* Series
      const clock = yield* VirtualClock
      yield* TestClock.adjust("1 day")
      counters.recordUnsafe("i-a", CounterEvents.normalOk)
      yield* clock.advance("10 minutes")
      counters.recordUnsafe("i-a", CounterEvents.normalOk)
      yield* clock.advance("-5 minutes")
      assert.strictEqual((yield* series.query({ instanceId: "i-a", window: "1h" })).totals.normalOk, 1)
      counters.recordUnsafe("i-a", CounterEvents.tokenOk)
      yield* clock.advance("5 minutes")
      const after = yield* series.query({ instanceId: "i-a", window: "1h" })
      assert.strictEqual(after.totals.normalOk, 1)
      assert.strictEqual(after.totals.tokenOk, 1)
    }).pipe(provide)
  )

  it.effect("resetting counters resets the same series; events that are not requests are not plotted", () =>
    Effect.gen(function* () {
      const counters = yield* Counters
      const series = yield* Series
      counters.recordUnsafe("i-a", CounterEvents.normalOk)
      counters.recordUnsafe("i-b", CounterEvents.normalOk)
      counters.recordUnsafe("i-b", CounterEvents.processMissed.off)
      const before = series.versionUnsafe()
      yield* counters.reset("i-a")
      assert.isAbove(series.versionUnsafe(), before)
      assert.strictEqual((yield* series.query({ instanceId: "i-a", window: "1h" })).totals.normalOk, 0)
      assert.strictEqual((yield* series.query({ instanceId: "i-b", window: "1h" })).totals.normalOk, 1)
      assert.strictEqual((yield* series.footprint).series, 2)
      yield* counters.reset()
      assert.strictEqual((yield* series.footprint).series, 0)
    }).pipe(provide)
  )

  it("takes steps that are multiples of the resolution dividing the window", () => {
    assert.isNull(stepProblem("1h", 30_000))
    assert.isNull(stepProblem("7d", 604_800_000))
    assert.isNotNull(stepProblem("1h", 45_000))
    assert.isNotNull(stepProblem("1h", 0))
    assert.isNotNull(stepProblem("6h", 60_000))
    assert.throws(() => new SeriesStore().query({ instanceId: null, window: "1h", stepMs: 1 }, 0), /step/)
  })

  it("holds 10,000 busy instances in bounded memory", () => {
    const store = new SeriesStore()
    setFlagsFromString("--expose-gc")
    const gc = runInNewContext("gc") as () => void
    gc()
    const heapBefore = process.memoryUsage()
    const start = Date.UTC(2030, 0, 1)
    // Every instance reads with and without a token and takes a token, in every bucket of the 7d window: a ring is
    // allocated whole on its first write, so this is the most three metrics can take.
    const t0 = performance.now()
    for (let minute = 0; minute < 7 * 24 * 60; minute += 7 * 24 * 6) {
      for (let i = 0; i < 10_000; i++) {
        const now = start + minute * 60_000 + i
        store.record(`i-${i}`, { kind: "normal-ok" }, now)
        store.record(`i-${i}`, { kind: "token-ok" }, now)
        store.record(`i-${i}`, { kind: "token-issued" }, now)
      }
    }
    const ms = performance.now() - t0
    gc()
    const heapAfter = process.memoryUsage()
    const { bytes, series } = store.footprint()
    const heapMb =
      (heapAfter.heapUsed + heapAfter.arrayBuffers - heapBefore.heapUsed - heapBefore.arrayBuffers) / 2 ** 20
    console.log(
      `series: 10,000 instances × 3 metrics × 4 windows: ${(bytes / 2 ** 20).toFixed(1)} MB of counts, ` +
        `heap +${heapMb.toFixed(1)} MB, ${((ms * 1000) / (10 * 30_000)).toFixed(2)} µs per event`
    )
    assert.strictEqual(series, 10_001)
    // Per instance: 4 windows × 3 metrics × 121 buckets × 4 bytes.
    assert.strictEqual(bytes, 10_001 * 4 * 3 * 121 * 4)
    assert.isBelow(bytes, 64 * 2 ** 20)
    assert.isBelow(heapMb, 128)
    // The request kinds (8) and one metric per token refusal reason.
    assert.lengthOf(seriesMetrics, 8 + tokenRefusalReasons.length)
  })
})
