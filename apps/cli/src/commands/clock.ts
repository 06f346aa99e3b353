// `clock show|advance|set|freeze|resume|reset`: the emulator's virtual clock, which every token TTL, credential
// rotation, spot notice and event reads — `clock advance 6h` expires a default token at once.

import type { AdminOutput } from "@aliyun-imds/admin-api"
import { Duration, Effect } from "effect"
import { Argument, Command } from "effect/cli"
import type { OutputApi } from "../Output.ts"
import { adminCommand } from "./shared.ts"

type ClockView = AdminOutput<"GetClock">

const offset = (ms: number) => {
  if (Math.abs(ms) < 1000) return "wall time"
  const text = Duration.format(Duration.millis(Math.round(Math.abs(ms) / 1000) * 1000))
  return `${ms < 0 ? "-" : "+"}${text.replace(/ /g, "")} from wall time`
}

export const describeClock = (c: ClockView) => `${c.time}  (${offset(c.offsetMs)}, ${c.frozen ? "frozen" : "running"})`

const show = (c: ClockView, json: boolean, out: OutputApi) => (json ? out.json(c) : out.line(describeClock(c)))

const operations = { show: "GetClock", freeze: "FreezeClock", resume: "ResumeClock", reset: "ResetClock" } as const

const simple = (name: keyof typeof operations, description: string) =>
  adminCommand(name, {}, (f, api, out) => Effect.flatMap(api.call(operations[name]), (c) => show(c, f.json, out))).pipe(
    Command.withDescription(description)
  )

const advance = adminCommand(
  "advance",
  {
    by: Argument.String("duration").pipe(Argument.withDescription('How far: "6h", "90s", "1h30m", "500ms", "2d"'))
  },
  (f, api, out) => Effect.flatMap(api.call("AdvanceClock", { body: { by: f.by } }), (c) => show(c, f.json, out))
).pipe(Command.withDescription("Move the clock forward"))

const set = adminCommand(
  "set",
  {
    to: Argument.String("time").pipe(Argument.withDescription('An ISO 8601 time ("2030-01-01T00:00:00Z") or epoch ms'))
  },
  (f, api, out) => Effect.flatMap(api.call("SetClock", { body: { to: f.to } }), (c) => show(c, f.json, out))
).pipe(Command.withDescription("Set the clock to an instant"))

export const clock = Command.make("clock").pipe(
  Command.withDescription("Read or move the virtual clock (tokens, credentials, spot and events follow it)"),
  Command.withSubcommands([
    simple("show", "Show the virtual time"),
    advance,
    set,
    simple("freeze", "Stop the clock"),
    simple("resume", "Let a frozen clock run again"),
    simple("reset", "Back to wall time")
  ]),
  Command.withExamples([{ command: "aliyun-imds clock advance 6h", description: "Expire every default-TTL token" }])
)
