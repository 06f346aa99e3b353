// The virtual clock's operations: read it, move it forward, set it, freeze and resume it, or return to wall time.
import { durationMs, instantMs, isoTime } from "@aliyun-imds/admin-api"
import type { ClockState } from "@aliyun-imds/core"
import { Effect } from "effect"
import type { AdminDeps } from "../AdminDeps.ts"
import type { AdminHandlers } from "../Handlers.ts"

const view = (s: ClockState) => ({ now: s.now, time: isoTime(s.now), offsetMs: s.offsetMs, frozen: s.frozen })

export const clockHandlers = ({ services: { clock } }: AdminDeps) =>
  ({
    GetClock: () => Effect.map(clock.state, view),
    AdvanceClock: ({ body }) => Effect.map(clock.advance(durationMs(body.by)), view),
    SetClock: ({ body }) => Effect.map(clock.set(instantMs(body.to)), view),
    FreezeClock: () => Effect.map(clock.freeze, view),
    ResumeClock: () => Effect.map(clock.resume, view),
    ResetClock: () => Effect.map(clock.reset, view)
  }) satisfies Partial<AdminHandlers>
