// The emulator's clock: the underlying Effect Clock (wall time, or TestClock in tests) plus an offset the admin
// plane can move, or frozen at an instant. Its layer also replaces Effect's `Clock`, so every TTL reads it.
import { Clock, Context, Duration, Effect, Layer } from "effect"

export interface ClockState {
  readonly now: number
  readonly offsetMs: number
  readonly frozen: boolean
}

/** What the admin plane set, to persist: the offset from the underlying clock and the frozen instant, if frozen. */
export interface ClockSettings {
  readonly offsetMs: number
  readonly frozenAtMs: number | null
}

interface Mutable {
  offset: number
  frozenAt: number | null
}

export class VirtualClock extends Context.Service<
  VirtualClock,
  {
    readonly nowUnsafe: () => number
    readonly now: Effect.Effect<number>
    readonly state: Effect.Effect<ClockState>
    readonly advance: (by: Duration.Input) => Effect.Effect<ClockState>
    readonly set: (epochMs: number) => Effect.Effect<ClockState>
    readonly freeze: Effect.Effect<ClockState>
    readonly resume: Effect.Effect<ClockState>
    readonly reset: Effect.Effect<ClockState>
    readonly saved: Effect.Effect<ClockSettings>
    /** Takes over saved settings: the offset again (time that passed meanwhile passes here too), or the frozen instant. */
    readonly restore: (settings: ClockSettings) => Effect.Effect<ClockState>
  }
>()("@aliyun-imds/core/VirtualClock") {
  /** Builds on whatever Clock is in scope, and provides a `Clock` that reads virtual time. */
  static readonly layer: Layer.Layer<VirtualClock> = Layer.effect(
    VirtualClock,
    Effect.map(Effect.service(Clock.Clock), (base) => makeVirtualClock(base))
  )
  /** VirtualClock plus the Effect `Clock` override, for programs that read `Clock.currentTimeMillis`. */
  static readonly layerWithClock: Layer.Layer<VirtualClock> = Layer.effectContext(
    Effect.map(Effect.service(Clock.Clock), (base) => {
      const virtual = makeVirtualClock(base)
      return Context.make(VirtualClock, virtual).pipe(Context.add(Clock.Clock, asEffectClock(base, virtual.nowUnsafe)))
    })
  )
}

const makeVirtualClock = (base: Clock.Clock): VirtualClock["Service"] => {
  const m: Mutable = { offset: 0, frozenAt: null }
  const nowUnsafe = () => m.frozenAt ?? base.currentTimeMillisUnsafe() + m.offset
  const snapshot = (): ClockState => ({ now: nowUnsafe(), offsetMs: m.offset, frozen: m.frozenAt !== null })
  const mutate = (f: () => void) =>
    Effect.sync(() => {
      f()
      return snapshot()
    })
  return VirtualClock.of({
    nowUnsafe,
    now: Effect.sync(nowUnsafe),
    state: Effect.sync(snapshot),
    advance: (by) =>
      mutate(() => {
        const ms = Duration.toMillis(Duration.fromInputUnsafe(by))
        m.offset += ms
        if (m.frozenAt !== null) m.frozenAt += ms
      }),
    set: (epochMs) =>
      mutate(() => {
        m.offset = epochMs - base.currentTimeMillisUnsafe()
        if (m.frozenAt !== null) m.frozenAt = epochMs
      }),
    freeze: mutate(() => {
      m.frozenAt ??= nowUnsafe()
    }),
    resume: mutate(() => {
      // Time continues from the frozen instant: the offset absorbs the wall time that passed while frozen.
      if (m.frozenAt !== null) m.offset = m.frozenAt - base.currentTimeMillisUnsafe()
      m.frozenAt = null
    }),
    reset: mutate(() => {
      m.offset = 0
      m.frozenAt = null
    }),
    saved: Effect.sync(() => ({ offsetMs: m.offset, frozenAtMs: m.frozenAt })),
    restore: (settings) =>
      mutate(() => {
        m.offset = settings.offsetMs
        m.frozenAt = settings.frozenAtMs
      })
  })
}

const asEffectClock = (base: Clock.Clock, nowUnsafe: () => number): Clock.Clock => ({
  currentTimeMillisUnsafe: nowUnsafe,
  currentTimeMillis: Effect.sync(nowUnsafe),
  currentTimeNanosUnsafe: () => BigInt(nowUnsafe()) * 1_000_000n,
  currentTimeNanos: Effect.sync(() => BigInt(nowUnsafe()) * 1_000_000n),
  monotonicTimeNanosUnsafe: () => base.monotonicTimeNanosUnsafe(),
  monotonicTimeNanos: base.monotonicTimeNanos,
  sleep: (d) => base.sleep(d)
})
