// `stats [--watch]`: the CloudMonitor view per instance — normal-mode successes and rejections, tokens issued and
// refused, throttled — the numbers to check before switching to forced hardened mode (HttpTokens=required).

import type { AdminOutput } from "@aliyun-imds/admin-api"
import { Effect, Option, Schedule } from "effect"
import { Command, Flag } from "effect/cli"
import { bold, green, type OutputApi, renderTable, yellow } from "../Output.ts"
import { adminCommand } from "./shared.ts"

type Counters = AdminOutput<"DescribeCounters">
type Row = Counters["totals"]
type Instances = AdminOutput<"DescribeInstances">

const refused = (r: Row) => Object.values(r.tokenRefused).reduce((a, b) => a + b, 0)

const columns = ["NORMAL-OK", "NORMAL-REFUSED", "TOKEN-OK", "TOKENS-ISSUED", "TOKENS-REFUSED", "THROTTLED", "TOTAL"]
const numbers = (r: Row | undefined) =>
  r === undefined
    ? columns.map(() => "0")
    : [r.normalOk, r.normalRejected, r.tokenOk, r.tokensIssued, refused(r), r.throttled, r.total].map(String)

/** The verdict: which instances still serve token-less reads, i.e. would break under HttpTokens=required. */
const verdict = (counters: Counters, list: Instances, color: boolean): string => {
  const optional = list.instances.filter((i) => i.metadataOptions.HttpTokens === "optional").map((i) => i.instanceId)
  const risky = optional.filter((id) => (counters.instances[id]?.normalOk ?? 0) > 0)
  if (risky.length > 0) {
    const names = risky.map((id) => `${id} (${counters.instances[id]!.normalOk})`).join(", ")
    return yellow(color, `normal-mode reads succeeded on ${names}: those clients get 403 under HttpTokens=required`)
  }
  if (optional.length > 0) {
    return green(color, "no normal-mode reads succeeded: HttpTokens=required would refuse no client seen so far")
  }
  const refusedReads = counters.totals.normalRejected
  return refusedReads === 0
    ? green(color, "every instance requires tokens, and no client tried without one")
    : yellow(
        color,
        `every instance requires tokens; ${refusedReads} normal-mode read(s) were refused ('aliyun-imds journal --mode normal' shows who)`
      )
}

/** One row per instance (idle ones too, unless `only` narrows it), then the totals. */
export const statsText = (counters: Counters, list: Instances, out: OutputApi, only?: string): string => {
  const tokens = new Map(list.instances.map((i) => [i.instanceId, i.metadataOptions.HttpTokens]))
  const ids =
    only === undefined
      ? [...new Set([...tokens.keys(), ...Object.keys(counters.instances)])]
      : Object.keys(counters.instances)
  const rows = ids.map((id) => [id, tokens.get(id) ?? "-", ...numbers(counters.instances[id])])
  const total = [bold(out.color, "all"), "", ...numbers(counters.totals)]
  const align = ["left", "left", ...columns.map(() => "right" as const)] as const
  const table = renderTable(["INSTANCE", "HTTP-TOKENS", ...columns], [...rows, total], { color: out.color, align })
  return `${table}\n\n${verdict(counters, list, out.color)}`
}

export const stats = adminCommand(
  "stats",
  {
    instance: Flag.String("instance").pipe(
      Flag.withDescription('One instance (or "default"); all when absent'),
      Flag.optional
    ),
    watch: Flag.Boolean("watch").pipe(
      Flag.withAlias("w"),
      Flag.withDescription("Refresh every 2 s until Ctrl-C"),
      Flag.withDefault(false)
    )
  },
  (f, api, out) => {
    const once = Effect.gen(function* () {
      const counters = yield* api.call("DescribeCounters", { query: { instance: Option.getOrUndefined(f.instance) } })
      if (f.json) return yield* f.watch ? out.jsonLine(counters) : out.json(counters)
      const text = statsText(counters, yield* api.call("DescribeInstances"), out, Option.getOrUndefined(f.instance))
      // On a terminal each refresh replaces the last; piped output gets one block per refresh.
      const clear = f.watch && out.isTty ? "\x1b[H\x1b[2J" : ""
      const footer = f.watch ? `\n\nrefreshing every 2 s (${new Date().toISOString()}); Ctrl-C to stop` : ""
      yield* out.line(`${clear}${text}${footer}${f.watch && !out.isTty ? "\n" : ""}`)
    })
    return f.watch ? Effect.asVoid(Effect.repeat(once, Schedule.spaced("2 seconds"))) : once
  }
).pipe(
  Command.withDescription("Request counters per instance: what to check before HttpTokens=required"),
  Command.withExamples([{ command: "aliyun-imds stats --watch" }])
)
