// The series service: the store of SeriesStore.ts on the virtual clock, and the Counters layer that feeds it, so every
// request the counters count also lands in its time bucket — one place records, two views read.
import { Context, Effect, Layer } from "effect"
import { VirtualClock } from "../clock/VirtualClock.ts"
import { Counters } from "../counters/Counters.ts"
import { type SeriesPoints, type SeriesQuery, SeriesStore } from "./SeriesStore.ts"

export class Series extends Context.Service<
  Series,
  {
    readonly query: (query: SeriesQuery) => Effect.Effect<SeriesPoints>
    /** Throws a RangeError for a step the window does not take (check with `stepProblem` first). */
    readonly queryUnsafe: (query: SeriesQuery) => SeriesPoints
    readonly reset: (instanceId?: string) => Effect.Effect<void>
    /** Changes so far: a follower re-reads when this or the clock moved. */
    readonly versionUnsafe: () => number
    readonly footprint: Effect.Effect<{ readonly bytes: number; readonly series: number }>
  }
>()("@aliyun-imds/core/Series") {
  /**
   * Counters and Series together: recording a counter event also counts it in the series at the virtual now, and
   * resetting counters forgets the same series. Series are not part of `--state`: they are recent history, rebuilt
   * by traffic, and the counters keep the totals.
   */
  static readonly layerWithCounters: Layer.Layer<Series | Counters, never, VirtualClock> = Layer.effectContext(
    Effect.gen(function* () {
      const clock = yield* VirtualClock
      const counters = yield* Counters
      const store = new SeriesStore()
      const queryUnsafe = (q: SeriesQuery) => store.query(q, clock.nowUnsafe())
      const series = Series.of({
        query: (q) => Effect.sync(() => queryUnsafe(q)),
        queryUnsafe,
        reset: (id) => Effect.sync(() => store.reset(id)),
        versionUnsafe: () => store.version,
        footprint: Effect.sync(() => store.footprint())
      })
      const feeding = Counters.of({
        ...counters,
        recordUnsafe: (id, event) => {
          counters.recordUnsafe(id, event)
          store.record(id, event, clock.nowUnsafe())
        },
        record: (id, event) =>
          Effect.sync(() => {
            counters.recordUnsafe(id, event)
            store.record(id, event, clock.nowUnsafe())
          }),
        reset: (id) => Effect.andThen(counters.reset(id), series.reset(id))
      })
      return Context.make(Series, series).pipe(Context.add(Counters, feeding))
    })
  ).pipe(Layer.provide(Counters.layer))
}
