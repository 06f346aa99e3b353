// The CloudMonitor chart (the console's live view): request counts per instance or for the fleet in time buckets on
// the virtual clock, read once (`/v1/series`) or followed as a Server-Sent Events stream with the journal's new entries.
import { seriesMetrics, seriesWindows } from "@aliyun-imds/core"
import { Schema } from "effect"
import { json, operation, raw } from "../Operation.ts"
import { parseDuration } from "../Time.ts"
import { intText, JournalEntryView } from "./Observability.ts"

const windows = Object.keys(seriesWindows) as Array<keyof typeof seriesWindows>
const known = new Set<string>(seriesMetrics)

export const SeriesWindowParam = Schema.Literals(windows).annotate({
  description: "How far back the points reach, in virtual time (default 1h)."
})

const MetricsText = Schema.String.check(
  Schema.makeFilter((s: string) => s.split(",").every((m) => known.has(m)), {
    expected: `metric names separated by commas, each one of ${seriesMetrics.join(", ")}`
  })
).annotate({ description: `Comma-separated metrics (default all): ${seriesMetrics.join(", ")}.` })

const StepText = Schema.String.check(
  Schema.makeFilter((s: string) => parseDuration(s) !== null, { expected: 'a duration such as "30s", "5m" or "1h"' })
).annotate({
  description:
    "Width of each point: a multiple of the window's finest step (1h: 30s, 6h: 3m, 1d: 12m, 7d: 84m) that divides " +
    "the window; default that finest step."
})

const seriesQueryFields = {
  instance: Schema.optionalKey(
    Schema.String.annotate({ description: 'An instance id or "default"; the whole fleet when absent.' })
  ),
  metrics: Schema.optionalKey(MetricsText),
  window: Schema.optionalKey(SeriesWindowParam),
  step: Schema.optionalKey(StepText)
}

export const SeriesQueryParams = Schema.Struct(seriesQueryFields)

export const SeriesStreamParams = Schema.Struct({
  ...seriesQueryFields,
  journal: Schema.optionalKey(
    Schema.Literals(["true", "false"]).annotate({ description: "Also send the journal's new entries (default false)." })
  ),
  afterSeq: Schema.optionalKey(intText("Journal entries after this seq (default: from now on):", 0, 2 ** 53 - 1)),
  events: Schema.optionalKey(intText("End the stream after this many series events (default: never):", 1, 1_000_000))
})

export const SeriesView = Schema.Struct({
  instanceId: Schema.NullOr(Schema.String).annotate({ description: "Null for the whole fleet." }),
  window: SeriesWindowParam,
  stepMs: Schema.Finite,
  now: Schema.Finite.annotate({ description: "The virtual instant the points end at (epoch ms)." }),
  times: Schema.Array(Schema.Finite).annotate({
    description: "Start of each point's interval (epoch ms, virtual time), oldest first."
  }),
  metrics: Schema.Record(Schema.String, Schema.Array(Schema.Finite)).annotate({
    description: "Requests per point, for each metric asked for."
  }),
  totals: Schema.Record(Schema.String, Schema.Finite).annotate({ description: "Each metric's sum over the window." })
}).annotate({ identifier: "Series" })

export const SeriesJournalEvent = Schema.Struct({ entries: Schema.Array(JournalEntryView) })

const tag = "Observability"

export const seriesOperations = {
  DescribeSeries: operation({
    method: "GET",
    path: "/v1/series",
    tag,
    summary: "Requests over time (virtual clock) for one instance or the fleet: the CloudMonitor chart",
    description:
      "Points of 30 s (1h window) to 84 min (7d) count normal-mode successes and refusals, token reads, token " +
      "issues, token refusals by reason and throttled requests. Series are not kept by `--state`.",
    query: SeriesQueryParams,
    errors: [404],
    success: json(SeriesView)
  }),
  StreamSeries: operation({
    method: "GET",
    path: "/v1/series/stream",
    tag,
    summary: "The same points as a Server-Sent Events stream, sent again whenever they change",
    description:
      "Events: `series` (data: a Series, as /v1/series answers) when the counts or the virtual time move; " +
      "`journal` (data: `{ entries }`, new journal entries) with `journal=true`. Authenticate with the " +
      "`Authorization` header, as every other operation (read the stream with fetch, not EventSource).",
    query: SeriesStreamParams,
    errors: [404],
    success: raw("text/event-stream", "Server-Sent Events: `series` and `journal` events carrying JSON.")
  })
}
