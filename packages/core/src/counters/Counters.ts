// The CloudMonitor view of the data plane (spec §12): per-instance request counters, led by "Successful Normal Mode
// Accesses", plus a latency histogram and why requests were journaled without their calling process, read as JSON or
// Prometheus text. Recording only bumps fields of cells allocated once per instance, so it can run on every request.
import { Context, Effect, Layer } from "effect"
import type { AccessError } from "../Errors.ts"
import { type ProcessMiss, processMisses } from "../journal/JournalEntry.ts"

export const tokenRefusalReasons = [
  "malformed",
  "bad-mac",
  "expired",
  "not-yet-valid",
  "foreign-instance",
  "forwarded",
  "invalid-ttl"
] as const
export type TokenRefusalReason = (typeof tokenRefusalReasons)[number]

export type CounterEvent =
  | { readonly kind: "normal-ok" }
  | { readonly kind: "normal-rejected" }
  | { readonly kind: "token-ok" }
  | { readonly kind: "token-issued" }
  | { readonly kind: "token-refused"; readonly reason: TokenRefusalReason }
  | { readonly kind: "throttled" }
  | { readonly kind: "endpoint-disabled" }
  | { readonly kind: "not-found" }
  | { readonly kind: "other-error" }
  /** Not a request of its own: why a request already counted was journaled without its calling process. */
  | { readonly kind: "process-missed"; readonly reason: ProcessMiss }

type ScalarKind = Exclude<CounterEvent["kind"], "token-refused" | "process-missed">
type ScalarKey = (typeof scalarKeys)[ScalarKind]
const scalarKeys = {
  "normal-ok": "normalOk",
  "normal-rejected": "normalRejected",
  "token-ok": "tokenOk",
  "token-issued": "tokensIssued",
  throttled: "throttled",
  "endpoint-disabled": "endpointDisabled",
  "not-found": "notFound",
  "other-error": "otherErrors"
} as const

const refused = (reason: TokenRefusalReason) => ({ kind: "token-refused", reason }) as const
const byReason = <A>(f: (reason: TokenRefusalReason) => A) =>
  Object.fromEntries(tokenRefusalReasons.map((r) => [r, f(r)])) as Record<TokenRefusalReason, A>
const missed = (reason: ProcessMiss) => ({ kind: "process-missed", reason }) as const
const byMiss = <A>(f: (reason: ProcessMiss) => A) =>
  Object.fromEntries(processMisses.map((r) => [r, f(r)])) as Record<ProcessMiss, A>

/** Shared event values, so callers on the hot path record without allocating. */
export const CounterEvents = {
  normalOk: { kind: "normal-ok" },
  normalRejected: { kind: "normal-rejected" },
  tokenOk: { kind: "token-ok" },
  tokenIssued: { kind: "token-issued" },
  tokenRefused: byReason(refused),
  throttled: { kind: "throttled" },
  endpointDisabled: { kind: "endpoint-disabled" },
  notFound: { kind: "not-found" },
  otherError: { kind: "other-error" },
  processMissed: byMiss(missed)
} as const satisfies Record<
  string,
  CounterEvent | Record<TokenRefusalReason, CounterEvent> | Record<ProcessMiss, CounterEvent>
>

/** The event each data-plane refusal counts as. Exhaustive: a new `AccessError` must choose one to compile. */
export const refusalEvent: { readonly [K in AccessError["_tag"]]: CounterEvent } = {
  InvalidTtl: CounterEvents.tokenRefused["invalid-ttl"],
  ForwardedTokenRequest: CounterEvents.tokenRefused.forwarded,
  TokenMalformed: CounterEvents.tokenRefused.malformed,
  TokenBadMac: CounterEvents.tokenRefused["bad-mac"],
  TokenExpired: CounterEvents.tokenRefused.expired,
  TokenNotYetValid: CounterEvents.tokenRefused["not-yet-valid"],
  TokenForeignInstance: CounterEvents.tokenRefused["foreign-instance"],
  TokenRequired: CounterEvents.normalRejected,
  EndpointDisabled: CounterEvents.endpointDisabled,
  MethodNotAllowed: CounterEvents.otherError,
  PathNotFound: CounterEvents.notFound,
  UnboundPeer: CounterEvents.otherError,
  Throttled: CounterEvents.throttled
}

/** Upper bounds (seconds) of the latency buckets; `+Inf` is implied after the last. */
export const latencyBuckets = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1] as const
const leLabels = [...latencyBuckets.map(String), "+Inf"]

export type CounterValues = { readonly [K in ScalarKey]: number } & {
  readonly tokenRefused: { readonly [R in TokenRefusalReason]: number }
  /** Requests journaled without their calling process, by reason (not added to `total`: they are counted already). */
  readonly processMissed: { readonly [R in ProcessMiss]: number }
  /** Every recorded request event. */
  readonly total: number
}

export interface LatencySnapshot {
  readonly count: number
  readonly sumSeconds: number
  /** Cumulative counts keyed by upper bound (`"0.0005"` … `"+Inf"`), as Prometheus reports them. */
  readonly buckets: { readonly [le: string]: number }
}

export type InstanceCounters = CounterValues & { readonly latency: LatencySnapshot }

export interface CountersSnapshot {
  readonly instances: { readonly [instanceId: string]: InstanceCounters }
  readonly totals: InstanceCounters
}

/** One instance's counters as stored: the plain counts, and the latency histogram per bucket (not cumulative). */
export type SavedCounters = { readonly [K in ScalarKey]: number } & {
  readonly tokenRefused: { readonly [R in TokenRefusalReason]: number }
  readonly processMissed: { readonly [R in ProcessMiss]: number }
  /** Observations per latency bucket, in `latencyBuckets` order then `+Inf`. */
  readonly latencyHits: ReadonlyArray<number>
  readonly latencySumSeconds: number
}

/** Every instance's counters, to persist. */
export type CountersSaved = { readonly [instanceId: string]: SavedCounters }

/** The counter names of the stored form, for its schema. */
export const savedCounterKeys = {
  scalars: Object.values(scalarKeys) as ReadonlyArray<ScalarKey>,
  latencyBucketCount: latencyBuckets.length + 1
}

interface Cells {
  readonly scalars: Record<ScalarKey, number>
  readonly refused: Record<TokenRefusalReason, number>
  readonly missed: Record<ProcessMiss, number>
  /** Per-bucket (not cumulative) counts; cumulated when read, so an observation bumps one slot. */
  readonly hits: Array<number>
  sum: number
}

const scalarKeyList = Object.values(scalarKeys)
const zeroScalars = () => Object.fromEntries(scalarKeyList.map((k) => [k, 0])) as Record<ScalarKey, number>
const newCells = (): Cells => ({
  scalars: zeroScalars(),
  refused: byReason(() => 0),
  missed: byMiss(() => 0),
  hits: leLabels.map(() => 0),
  sum: 0
})

const bucketIndex = (seconds: number): number => {
  let i = 0
  while (i < latencyBuckets.length && seconds > latencyBuckets[i]!) i++
  return i
}

/** Synchronous counter store; the `Counters` service wraps one. */
export class CounterStore {
  private readonly cells = new Map<string, Cells>()
  /** Requests come in runs from one instance: its cells are kept at hand (cleared with the map). */
  private lastId: string | null = null
  private lastCells: Cells | null = null

  private cellsFor(instanceId: string): Cells {
    if (instanceId === this.lastId) return this.lastCells!
    let found = this.cells.get(instanceId)
    if (found === undefined) {
      found = newCells()
      this.cells.set(instanceId, found)
    }
    this.lastId = instanceId
    this.lastCells = found
    return found
  }

  record(instanceId: string, event: CounterEvent): void {
    const c = this.cellsFor(instanceId)
    if (event.kind === "token-refused") c.refused[event.reason]++
    else if (event.kind === "process-missed") c.missed[event.reason]++
    else c.scalars[scalarKeys[event.kind]]++
  }

  /** Negative, NaN or infinite durations are dropped: they would poison the sum. */
  observeLatency(instanceId: string, seconds: number): void {
    if (!Number.isFinite(seconds) || seconds < 0) return
    const c = this.cellsFor(instanceId)
    c.hits[bucketIndex(seconds)]!++
    c.sum += seconds
  }

  snapshot(instanceId?: string): CountersSnapshot {
    const ids = instanceId === undefined ? [...this.cells.keys()] : this.cells.has(instanceId) ? [instanceId] : []
    const totals = newCells()
    const instances: Record<string, InstanceCounters> = {}
    for (const id of ids) {
      const c = this.cells.get(id)!
      instances[id] = toJson(c)
      addInto(totals, c)
    }
    return { instances, totals: toJson(totals) }
  }

  saved(): CountersSaved {
    const out: Record<string, SavedCounters> = {}
    for (const [id, c] of this.cells) {
      out[id] = {
        ...c.scalars,
        tokenRefused: { ...c.refused },
        processMissed: { ...c.missed },
        latencyHits: [...c.hits],
        latencySumSeconds: c.sum
      }
    }
    return out
  }

  /** Replaces every counter with saved ones (a histogram of another length is ignored: its buckets changed). */
  restore(saved: CountersSaved): void {
    this.reset()
    for (const [id, counts] of Object.entries(saved)) {
      const c = newCells()
      for (const k of scalarKeyList) c.scalars[k] = counts[k]
      for (const r of tokenRefusalReasons) c.refused[r] = counts.tokenRefused[r]
      for (const r of processMisses) c.missed[r] = counts.processMissed[r]
      if (counts.latencyHits.length === c.hits.length) {
        counts.latencyHits.forEach((n, i) => {
          c.hits[i] = n
        })
        c.sum = counts.latencySumSeconds
      }
      this.cells.set(id, c)
    }
  }

  reset(instanceId?: string): void {
    if (instanceId === undefined) this.cells.clear()
    else this.cells.delete(instanceId)
    this.lastId = null
    this.lastCells = null
  }

  /** Every metric in the Prometheus text exposition format (0.0.4), instances sorted by id. */
  prometheusText(): string {
    return renderPrometheus([...this.cells.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
  }
}

const addInto = (into: Cells, from: Cells): void => {
  for (const k of scalarKeyList) into.scalars[k] += from.scalars[k]
  for (const r of tokenRefusalReasons) into.refused[r] += from.refused[r]
  for (const r of processMisses) into.missed[r] += from.missed[r]
  from.hits.forEach((n, i) => {
    into.hits[i]! += n
  })
  into.sum += from.sum
}

const cumulative = (hits: ReadonlyArray<number>): Array<number> => {
  let acc = 0
  return hits.map((n) => (acc += n))
}

const toJson = (c: Cells): InstanceCounters => {
  const cum = cumulative(c.hits)
  const refusedTotal = tokenRefusalReasons.reduce((n, r) => n + c.refused[r], 0)
  const scalarTotal = Object.values(c.scalars).reduce((a, b) => a + b, 0)
  return {
    ...c.scalars,
    tokenRefused: { ...c.refused },
    processMissed: { ...c.missed },
    total: scalarTotal + refusedTotal,
    latency: {
      count: cum[cum.length - 1]!,
      sumSeconds: c.sum,
      buckets: Object.fromEntries(leLabels.map((le, i) => [le, cum[i]!]))
    }
  }
}

const scalarHelp: Record<ScalarKey, string> = {
  normalOk: 'Successful normal-mode (token-less) reads: CloudMonitor "Successful Normal Mode Accesses".',
  normalRejected: "Token-less reads refused because HttpTokens=required.",
  tokenOk: "Successful reads that carried a valid token.",
  tokensIssued: "Tokens issued by PUT /latest/api/token.",
  throttled: "Requests refused with 429 by the throttle.",
  endpointDisabled: "Requests refused because HttpEndpoint=disabled.",
  notFound: "Requests for paths that do not exist (404).",
  otherErrors: "Requests refused for any other reason."
}
/** `tokensIssued` → `tokens_issued_total`. */
const counterName = (key: ScalarKey) => key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`) + "_total"

const prefix = "aliyun_imds_"
const escapeHelp = (s: string) => s.replace(/\\/g, "\\\\").replace(/\n/g, "\\n")
/** Label values escape backslash, double quote and line feed (text format 0.0.4). */
export const escapeLabelValue = (s: string): string =>
  s.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n")
const header = (name: string, type: string, help: string) =>
  `# HELP ${prefix}${name} ${escapeHelp(help)}\n# TYPE ${prefix}${name} ${type}\n`

const renderPrometheus = (rows: ReadonlyArray<readonly [string, Cells]>): string => {
  const ids = rows.map(([id, c]) => [`instance_id="${escapeLabelValue(id)}"`, c] as const)
  let out = ""
  for (const key of scalarKeyList) {
    const name = counterName(key)
    out += header(name, "counter", scalarHelp[key])
    for (const [label, c] of ids) out += `${prefix}${name}{${label}} ${c.scalars[key]}\n`
  }
  out += header("token_refused_total", "counter", "Requests refused for a token problem, by reason.")
  for (const [label, c] of ids)
    for (const r of tokenRefusalReasons) out += `${prefix}token_refused_total{${label},reason="${r}"} ${c.refused[r]}\n`
  out += header(
    "process_missed_total",
    "counter",
    "Requests journaled without their calling process, by reason (off: the --attribute policy skipped them)."
  )
  for (const [label, c] of ids)
    for (const r of processMisses) out += `${prefix}process_missed_total{${label},reason="${r}"} ${c.missed[r]}\n`
  const h = `${prefix}request_duration_seconds`
  out += header("request_duration_seconds", "histogram", "Time to answer a metadata request, in seconds.")
  for (const [label, c] of ids) {
    const cum = cumulative(c.hits)
    leLabels.forEach((le, i) => {
      out += `${h}_bucket{${label},le="${le}"} ${cum[i]}\n`
    })
    out += `${h}_sum{${label}} ${c.sum}\n${h}_count{${label}} ${cum[cum.length - 1]}\n`
  }
  return out
}

export class Counters extends Context.Service<
  Counters,
  {
    /** Hot-path form of `record`. */
    readonly recordUnsafe: (instanceId: string, event: CounterEvent) => void
    readonly record: (instanceId: string, event: CounterEvent) => Effect.Effect<void>
    readonly observeLatencyUnsafe: (instanceId: string, seconds: number) => void
    readonly observeLatency: (instanceId: string, seconds: number) => Effect.Effect<void>
    readonly snapshot: (instanceId?: string) => Effect.Effect<CountersSnapshot>
    readonly reset: (instanceId?: string) => Effect.Effect<void>
    readonly prometheusText: () => string
    readonly saved: Effect.Effect<CountersSaved>
    readonly restore: (saved: CountersSaved) => Effect.Effect<void>
  }
>()("@aliyun-imds/core/Counters") {
  static readonly layer: Layer.Layer<Counters> = Layer.sync(Counters, () => {
    const store = new CounterStore()
    return Counters.of({
      recordUnsafe: (id, event) => store.record(id, event),
      record: (id, event) => Effect.sync(() => store.record(id, event)),
      observeLatencyUnsafe: (id, seconds) => store.observeLatency(id, seconds),
      observeLatency: (id, seconds) => Effect.sync(() => store.observeLatency(id, seconds)),
      snapshot: (id) => Effect.sync(() => store.snapshot(id)),
      reset: (id) => Effect.sync(() => store.reset(id)),
      prometheusText: () => store.prometheusText(),
      saved: Effect.sync(() => store.saved()),
      restore: (saved) => Effect.sync(() => store.restore(saved))
    })
  })
}
