// The CloudMonitor view (spec §12: per-instance counters led by normal-mode successes and rejections) and the
// packet-analyzer view (who — down to the calling process — asked what, how and with which result), both readable and
// resettable.
import { JournalMode, processMisses, tokenRefusalReasons } from "@aliyun-imds/core"
import { Schema, SchemaTransformation } from "effect"
import { json, operation } from "../Operation.ts"
import { InstantText } from "../Time.ts"

const count = Schema.Finite

export const InstanceCountersView = Schema.Struct({
  normalOk: count.annotate({ description: 'CloudMonitor "Successful Normal Mode Accesses".' }),
  normalRejected: count.annotate({ description: "Token-less reads refused because HttpTokens=required." }),
  tokenOk: count,
  tokensIssued: count,
  throttled: count,
  endpointDisabled: count,
  notFound: count,
  otherErrors: count,
  tokenRefused: Schema.Struct(
    Object.fromEntries(tokenRefusalReasons.map((r) => [r, count])) as {
      readonly [R in (typeof tokenRefusalReasons)[number]]: typeof count
    }
  ),
  processMissed: Schema.Struct(
    Object.fromEntries(processMisses.map((r) => [r, count])) as {
      readonly [R in (typeof processMisses)[number]]: typeof count
    }
  ).annotate({
    description:
      "Requests journaled without their calling process, by reason (see JournalEntry.processMiss); not in total."
  }),
  total: count,
  latency: Schema.Struct({
    count,
    sumSeconds: Schema.Finite,
    buckets: Schema.Record(Schema.String, count)
  })
}).annotate({ identifier: "InstanceCounters" })

export const CountersResponse = Schema.Struct({
  instances: Schema.Record(Schema.String, InstanceCountersView),
  totals: InstanceCountersView
})

export const CountersQuery = Schema.Struct({
  instance: Schema.optionalKey(Schema.String.annotate({ description: 'One instance (or "default"); all when absent.' }))
})

/** A whole number in a query string; the description stays on the text side, where OpenAPI reads it. */
export const intText = (description: string, minimum: number, maximum: number) =>
  Schema.String.annotate({ description: `${description} ${minimum}..${maximum}.` })
    .check(Schema.isPattern(/^\d{1,16}$/, { expected: "a whole number" }))
    .pipe(
      Schema.decodeTo(Schema.Int.check(Schema.isBetween({ minimum, maximum })), SchemaTransformation.numberFromString)
    )

export const JournalQueryParams = Schema.Struct({
  instance: Schema.optionalKey(
    Schema.String.annotate({ description: 'An instance id, "default", or "none" for peers bound to no instance.' })
  ),
  mode: Schema.optionalKey(JournalMode),
  status: Schema.optionalKey(intText("HTTP status (0: connection dropped),", 0, 599)),
  since: Schema.optionalKey(InstantText),
  afterSeq: Schema.optionalKey(intText("Only entries after this seq, oldest first:", 0, Number.MAX_SAFE_INTEGER)),
  limit: Schema.optionalKey(intText("At most this many entries (default 100):", 1, 10_000))
})

export const ProcessMiss = Schema.Literals(processMisses).annotate({
  description:
    "Why a request has no calling process. off: the --attribute policy skipped it; unsupported: not Linux, or an " +
    "in-process call; remote: the peer is not on this host; not-found: the socket or process was gone or not " +
    "visible; denied: the process could not be inspected (EACCES/EPERM)."
})

export const CallerProcessView = Schema.Struct({
  pid: Schema.Finite,
  ppid: Schema.NullOr(Schema.Finite).annotate({ description: "The parent's pid; null when it could not be read." }),
  exe: Schema.NullOr(Schema.String).annotate({ description: "The executable's path; null when it could not be read." }),
  cmdline: Schema.String.annotate({
    description: "The command line, arguments joined by spaces, at most 1024 characters; empty when unreadable."
  })
}).annotate({
  identifier: "CallerProcess",
  description: "The local process that made the request, found from its socket while the connection was open (Linux)."
})

export const JournalEntryView = Schema.Struct({
  seq: Schema.Finite,
  time: Schema.Finite,
  instanceId: Schema.NullOr(Schema.String),
  peerAddress: Schema.String,
  peerPort: Schema.Finite,
  method: Schema.String,
  path: Schema.String,
  mode: JournalMode,
  status: Schema.Finite,
  userAgent: Schema.NullOr(Schema.String),
  reason: Schema.NullOr(Schema.String),
  durationMs: Schema.Finite,
  process: Schema.NullOr(CallerProcessView),
  processMiss: Schema.NullOr(ProcessMiss).annotate({ description: "Null exactly when process is not." })
}).annotate({ identifier: "JournalEntry" })

export const JournalResponse = Schema.Struct({
  entries: Schema.Array(JournalEntryView),
  /** Entries held now, the ring's capacity, and how many were overwritten. */
  size: Schema.Finite,
  capacity: Schema.Finite,
  dropped: Schema.Finite
})

const tag = "Observability"

export const observabilityOperations = {
  DescribeCounters: operation({
    method: "GET",
    path: "/v1/counters",
    tag,
    summary: "Request counters per instance and in total",
    query: CountersQuery,
    errors: [404],
    success: json(CountersResponse)
  }),
  ResetCounters: operation({
    method: "DELETE",
    path: "/v1/counters",
    tag,
    summary: "Zero the counters of one instance (`?instance=`) or of all",
    query: CountersQuery,
    errors: [404],
    success: json(CountersResponse)
  }),
  DescribeJournal: operation({
    method: "GET",
    path: "/v1/journal",
    tag,
    summary: "Recent metadata requests, oldest first",
    query: JournalQueryParams,
    success: json(JournalResponse)
  }),
  ClearJournal: operation({
    method: "DELETE",
    path: "/v1/journal",
    tag,
    summary: "Forget every journal entry (sequence numbers keep counting)",
    success: json(JournalResponse)
  })
}
