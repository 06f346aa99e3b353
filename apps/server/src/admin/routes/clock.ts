// The virtual clock every TTL, credential rotation, spot notice and event reads: read it, move it forward, set it to
// an instant, freeze and resume it, or return to wall time.
import type { ClockState } from "@aliyun-imds/core"
import { Effect, Schema } from "effect"
import type { AdminDeps } from "../AdminDeps.ts"
import { type AdminRoute, jsonRoute } from "../Route.ts"
import { DurationInput, durationMs, InstantInput, instantMs, isoTime } from "../time.ts"

export const ClockView = Schema.Struct({
  /** Virtual epoch ms. */
  now: Schema.Finite,
  time: Schema.String,
  /** Virtual minus wall time, ms. */
  offsetMs: Schema.Finite,
  frozen: Schema.Boolean
}).annotate({ identifier: "Clock" })

export const AdvanceClockRequest = Schema.Struct({ by: DurationInput }).annotate({ identifier: "AdvanceClock" })
export const SetClockRequest = Schema.Struct({ to: InstantInput }).annotate({ identifier: "SetClock" })

const view = (s: ClockState): typeof ClockView.Type => ({
  now: s.now,
  time: isoTime(s.now),
  offsetMs: s.offsetMs,
  frozen: s.frozen
})

const tag = "Clock"

export const clockRoutes = ({ services: { clock } }: AdminDeps): ReadonlyArray<AdminRoute> => {
  const simple = (action: "freeze" | "resume" | "reset", summary: string) =>
    jsonRoute({
      method: "POST",
      path: `/v1/clock/${action}`,
      operationId: `${action}Clock`,
      tag,
      summary,
      response: ClockView,
      handle: () => Effect.map(clock[action], view)
    })
  return [
    jsonRoute({
      method: "GET",
      path: "/v1/clock",
      operationId: "getClock",
      tag,
      summary: "Read the virtual clock",
      response: ClockView,
      handle: () => Effect.map(clock.state, view)
    }),
    jsonRoute({
      method: "POST",
      path: "/v1/clock/advance",
      operationId: "advanceClock",
      tag,
      summary: 'Move the clock forward, e.g. `{ "by": "6h" }`',
      body: AdvanceClockRequest,
      response: ClockView,
      handle: ({ body }) => Effect.map(clock.advance(durationMs(body.by)), view)
    }),
    jsonRoute({
      method: "POST",
      path: "/v1/clock/set",
      operationId: "setClock",
      tag,
      summary: 'Set the clock to an instant, e.g. `{ "to": "2030-01-01T00:00:00Z" }`',
      body: SetClockRequest,
      response: ClockView,
      handle: ({ body }) => Effect.map(clock.set(instantMs(body.to)), view)
    }),
    simple("freeze", "Stop the clock at its current instant"),
    simple("resume", "Let a frozen clock run again from where it stopped"),
    simple("reset", "Back to wall time (offset 0, not frozen)")
  ]
}
