// `spot schedule|cancel` and `events add|list|clear`: what an instance announces through its metadata
// (`instance/spot/termination-time`, `maintenance/active-system-events`), timed on the virtual clock.

import type { AdminOutput } from "@aliyun-imds/admin-api"
import { Effect, Option } from "effect"
import { Argument, Command, Flag } from "effect/cli"
import { type OutputApi, renderTable } from "../Output.ts"
import { adminCommand, instanceFlag, oneOf } from "./shared.ts"

const inFlag = (what: string) =>
  Flag.String("in").pipe(Flag.withDescription(`${what} after this long: "2m", "1h30m"…`), Flag.optional)
const atFlag = (what: string) =>
  Flag.String("at").pipe(Flag.withDescription(`${what} at this ISO 8601 time (or epoch ms)`), Flag.optional)

const schedule = adminCommand(
  "schedule",
  { instance: instanceFlag, in: inFlag("Reclaim"), at: atFlag("Reclaim") },
  (f, api, out) =>
    Effect.gen(function* () {
      const when = yield* oneOf(["in", "at"], f.in, f.at)
      const body = Option.match(when, {
        onNone: () => ({ in: "2m" }),
        onSome: ([which, value]) => (which === 0 ? { in: value } : { at: value })
      })
      const r = yield* api.call("ScheduleSpotTermination", { params: { id: f.instance }, body })
      yield* f.json ? out.json(r) : out.line(`${r.instanceId}: spot reclaim at ${r.terminationTime}`)
    })
).pipe(Command.withDescription("Schedule a spot reclaim (default: in 2 minutes)"))

const cancel = adminCommand("cancel", { instance: instanceFlag }, (f, api, out) =>
  Effect.flatMap(api.call("CancelSpotTermination", { params: { id: f.instance } }), (r) =>
    f.json ? out.json(r) : out.line(`${r.instanceId}: no spot reclaim scheduled`)
  )
).pipe(Command.withDescription("Cancel a scheduled spot reclaim"))

export const spot = Command.make("spot").pipe(
  Command.withDescription("Schedule or cancel a spot reclaim (instance/spot/termination-time)"),
  Command.withSubcommands([schedule, cancel]),
  Command.withExamples([{ command: "aliyun-imds spot schedule --in 2m" }])
)

type EventList = AdminOutput<"DescribeSimulatedSystemEvents">

const eventsTable = (l: EventList, out: OutputApi) =>
  l.events.length === 0
    ? `${l.instanceId}: no system events`
    : renderTable(
        ["EVENT", "TYPE", "PUBLISHED", "NOT-BEFORE"],
        l.events.map((e) => [e.eventId, e.eventType, e.publishTime, e.notBefore]),
        { color: out.color }
      )

const add = adminCommand(
  "add",
  {
    type: Argument.String("type").pipe(Argument.withDescription('ECS event type, e.g. "SystemMaintenance.Reboot"')),
    instance: instanceFlag,
    in: inFlag("Starts"),
    at: atFlag("Starts"),
    publish: Flag.String("publish").pipe(
      Flag.withDescription("When it becomes visible (ISO 8601); default now"),
      Flag.optional
    )
  },
  (f, api, out) =>
    Effect.gen(function* () {
      const when = yield* oneOf(["in", "at"], f.in, f.at)
      const r = yield* api.call("CreateSimulatedSystemEvents", {
        params: { id: f.instance },
        body: {
          eventType: f.type,
          ...Option.match(when, {
            onNone: () => ({ in: "24h" }),
            onSome: ([which, value]) => (which === 0 ? { in: value } : { notBefore: value })
          }),
          ...Option.match(f.publish, { onNone: () => ({}), onSome: (publish) => ({ publish }) })
        }
      })
      yield* f.json
        ? out.json(r)
        : out.line(`${r.instanceId}: ${r.event.eventId} ${r.event.eventType} not before ${r.event.notBefore}`)
    })
).pipe(Command.withDescription("Schedule a system event (default: in 24 hours)"))

const list = adminCommand("list", { instance: instanceFlag }, (f, api, out) =>
  Effect.flatMap(api.call("DescribeSimulatedSystemEvents", { params: { id: f.instance } }), (l) =>
    f.json ? out.json(l) : out.line(eventsTable(l, out))
  )
).pipe(Command.withDescription("List scheduled system events"))

const clear = adminCommand("clear", { instance: instanceFlag }, (f, api, out) =>
  Effect.flatMap(api.call("CancelSimulatedSystemEvents", { params: { id: f.instance } }), (l) =>
    f.json ? out.json(l) : out.line(eventsTable(l, out))
  )
).pipe(Command.withDescription("Remove every system event"))

export const events = Command.make("events").pipe(
  Command.withDescription("Schedule system events (maintenance/active-system-events)"),
  Command.withSubcommands([add, list, clear]),
  Command.withExamples([{ command: "aliyun-imds events add SystemMaintenance.Reboot --in 1h" }])
)
