// `throttle set|clear|list` and `faults add|list|clear`: rate limits and injected failures on the metadata
// listener, through the admin API.

import type { AdminInput, AdminOutput } from "@aliyun-imds/admin-api"
import { FaultRoute } from "@aliyun-imds/core/enumerations"
import { Effect, Option } from "effect"
import { Argument, Command, Flag } from "effect/cli"
import { enumFlag } from "../EnumFlags.ts"
import { usageError } from "../ExitCodes.ts"
import { type OutputApi, renderTable } from "../Output.ts"
import { adminCommand } from "./shared.ts"

const target = Flag.String("instance").pipe(
  Flag.withDescription('An instance id, "default", or "*" for every instance'),
  Flag.optional
)

type Throttle = AdminOutput<"DescribeThrottleRules">

const throttleTable = (t: Throttle, out: OutputApi) =>
  t.rules.length === 0
    ? "no throttle rules"
    : renderTable(
        ["TARGET", "RATE/S", "BURST"],
        t.rules.map((r) => [r.target, String(r.ratePerSecond), String(r.burst)]),
        { color: out.color, align: ["left", "right", "right"] }
      )

const showThrottle = (json: boolean, t: Throttle, out: OutputApi) =>
  json ? out.json(t) : out.line(throttleTable(t, out))

const positive = (name: string, description: string) =>
  Flag.Finite(name).pipe(
    Flag.withDescription(description),
    Flag.filter(
      (n) => n > 0,
      () => "a number above 0"
    )
  )

const throttleSet = adminCommand(
  "set",
  {
    instance: target,
    rate: positive("rate", "Sustained requests per second"),
    burst: positive("burst", "Requests admitted at once after an idle period (whole number)").pipe(Flag.withDefault(1))
  },
  (f, api, out) =>
    Effect.flatMap(
      api.call("SetThrottleRule", {
        body: {
          ratePerSecond: f.rate,
          burst: f.burst,
          ...Option.match(f.instance, { onNone: () => ({}), onSome: (t) => ({ target: t }) })
        }
      }),
      (t) => showThrottle(f.json, t, out)
    )
).pipe(Command.withDescription("Limit request rates (429 beyond the limit)"))

const throttleClear = adminCommand("clear", { instance: target }, (f, api, out) =>
  Effect.flatMap(api.call("ClearThrottleRules", { query: { target: Option.getOrUndefined(f.instance) } }), (t) =>
    showThrottle(f.json, t, out)
  )
).pipe(Command.withDescription("Remove one target's rule, or every rule"))

const throttleList = adminCommand("list", {}, (f, api, out) =>
  Effect.flatMap(api.call("DescribeThrottleRules"), (t) => showThrottle(f.json, t, out))
).pipe(Command.withDescription("List throttle rules"))

export const throttle = Command.make("throttle").pipe(
  Command.withDescription("Set or clear request rate limits (token buckets) on the metadata listener"),
  Command.withSubcommands([throttleSet, throttleClear, throttleList]),
  Command.withExamples([{ command: "aliyun-imds throttle set --rate 5 --burst 10" }])
)

type Fault = AdminOutput<"DescribeFaultRules">["rules"][number]

const actionText = (a: Fault["action"]) =>
  a.type === "latency" ? `latency ${a.ms}ms` : a.type === "status" ? `status ${a.status}` : a.type

const faultsTable = (rules: ReadonlyArray<Fault>, out: OutputApi) =>
  rules.length === 0
    ? "no fault rules"
    : renderTable(
        ["ID", "INSTANCE", "ROUTE", "METHOD", "PATH-PREFIX", "ACTION", "REMAINING"],
        rules.map((r) => [
          r.id,
          r.instanceId,
          r.route,
          r.method ?? "*",
          r.pathPrefix ?? "*",
          actionText(r.action),
          r.remaining === null ? "∞" : String(r.remaining)
        ]),
        { color: out.color }
      )

const faultsAdd = adminCommand(
  "add",
  {
    action: Argument.Literals("action", ["latency", "status", "reset", "blackhole"]).pipe(
      Argument.withDescription(
        "latency (--ms), status (--status), reset (drop the connection), blackhole (never answer)"
      )
    ),
    ms: Flag.Int("ms").pipe(Flag.withDescription("Added latency for 'latency'"), Flag.optional),
    status: Flag.Int("status").pipe(Flag.withDescription("HTTP status for 'status'"), Flag.optional),
    body: Flag.String("body").pipe(Flag.withDescription("Body for 'status'"), Flag.optional),
    instance: target,
    route: enumFlag("route", FaultRoute),
    method: Flag.String("method").pipe(Flag.withDescription("Only this HTTP method"), Flag.optional),
    pathPrefix: Flag.String("path-prefix").pipe(Flag.withDescription("Only paths starting with this"), Flag.optional),
    times: Flag.Int("times").pipe(
      Flag.withDescription("Apply to this many requests, then remove the rule"),
      Flag.optional
    )
  },
  (f, api, out) =>
    Effect.gen(function* () {
      const some = <A>(key: string, value: Option.Option<A>) =>
        Option.match(value, { onNone: () => ({}), onSome: (v) => ({ [key]: v }) })
      let action: AdminInput<"AddFaultRule">["body"]["action"]
      if (f.action === "latency") {
        if (Option.isNone(f.ms)) return yield* usageError("'faults add latency' needs --ms N")
        action = { type: "latency", ms: f.ms.value }
      } else if (f.action === "status") {
        if (Option.isNone(f.status)) return yield* usageError("'faults add status' needs --status CODE")
        action = { type: "status", status: f.status.value, ...some("body", f.body) }
      } else {
        action = { type: f.action }
      }
      const { rule } = yield* api.call("AddFaultRule", {
        body: {
          action,
          ...some("instanceId", f.instance),
          ...some("route", f.route),
          ...some("method", f.method),
          ...some("pathPrefix", f.pathPrefix),
          ...some("times", f.times)
        }
      })
      yield* f.json ? out.json(rule) : out.line(`added ${rule.id}: ${actionText(rule.action)}`)
    })
).pipe(
  Command.withDescription("Inject a fault on the metadata listener"),
  Command.withExamples([
    { command: "aliyun-imds faults add status --status 500 --route token --times 2" },
    { command: "aliyun-imds faults add latency --ms 1500 --path-prefix /latest/meta-data/ram/" }
  ])
)

const faultsList = adminCommand("list", {}, (f, api, out) =>
  Effect.flatMap(api.call("DescribeFaultRules"), (l) => (f.json ? out.json(l) : out.line(faultsTable(l.rules, out))))
).pipe(Command.withDescription("List fault rules in matching order"))

const faultsClear = adminCommand(
  "clear",
  { id: Argument.String("id").pipe(Argument.withDescription("One rule (default: every rule)"), Argument.optional) },
  (f, api, out) =>
    Option.match(f.id, {
      onNone: () =>
        Effect.flatMap(api.call("ClearFaultRules"), (r) =>
          f.json ? out.json(r) : out.line(`removed ${r.removed} fault rule(s)`)
        ),
      onSome: (id) =>
        Effect.flatMap(api.call("RemoveFaultRule", { params: { id } }), (r) =>
          f.json ? out.json(r) : out.line(`removed ${r.rule.id}`)
        )
    })
).pipe(Command.withDescription("Remove one fault rule, or every rule"))

export const faults = Command.make("faults").pipe(
  Command.withDescription("Inject latency, error statuses, resets or black holes on the metadata listener"),
  Command.withSubcommands([faultsAdd, faultsList, faultsClear])
)
