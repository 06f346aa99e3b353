// The virtual clock every TTL, credential rotation, spot notice and event reads: read it, move it forward, set it to
// an instant, freeze and resume it, or return to wall time.
import { Schema } from "effect"
import { json, operation } from "../Operation.ts"
import { DurationInput, InstantInput } from "../Time.ts"

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

const tag = "Clock"

const action = (path: string, summary: string) =>
  operation({ method: "POST", path: `/v1/clock/${path}`, tag, summary, success: json(ClockView) })

export const clockOperations = {
  GetClock: operation({
    method: "GET",
    path: "/v1/clock",
    tag,
    summary: "Read the virtual clock",
    success: json(ClockView)
  }),
  AdvanceClock: operation({
    method: "POST",
    path: "/v1/clock/advance",
    tag,
    summary: 'Move the clock forward, e.g. `{ "by": "6h" }`',
    body: AdvanceClockRequest,
    success: json(ClockView)
  }),
  SetClock: operation({
    method: "POST",
    path: "/v1/clock/set",
    tag,
    summary: 'Set the clock to an instant, e.g. `{ "to": "2030-01-01T00:00:00Z" }`',
    body: SetClockRequest,
    success: json(ClockView)
  }),
  FreezeClock: action("freeze", "Stop the clock at its current instant"),
  ResumeClock: action("resume", "Let a frozen clock run again from where it stopped"),
  ResetClock: action("reset", "Back to wall time (offset 0, not frozen)")
}
