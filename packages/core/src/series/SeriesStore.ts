// The CloudMonitor chart's data: for each instance and for the whole fleet, request counts per metric in fixed time
// buckets on the virtual clock. Every window (1h, 6h, 1d, 7d) has its own bounded ring of 120 buckets per instance and
// metric, allocated when first written, so memory grows with the instances and metrics that saw traffic, never with time.
import { type CounterEvent, tokenRefusalReasons } from "../counters/Counters.ts"

/** What a chart can plot: the counters' request kinds, with token refusals split by reason. */
export const seriesMetrics = [
  "normalOk",
  "normalRejected",
  "tokenOk",
  "tokensIssued",
  ...tokenRefusalReasons.map((r) => `tokenRefused.${r}` as const),
  "throttled",
  "endpointDisabled",
  "notFound",
  "otherErrors"
] as const
export type SeriesMetric = (typeof seriesMetrics)[number]

/** The windows a chart can show, each with the width of its buckets (the finest step it offers). */
export const seriesWindows = {
  "1h": { windowMs: 3_600_000, resolutionMs: 30_000 },
  "6h": { windowMs: 21_600_000, resolutionMs: 180_000 },
  "1d": { windowMs: 86_400_000, resolutionMs: 720_000 },
  "7d": { windowMs: 604_800_000, resolutionMs: 5_040_000 }
} as const
export type SeriesWindow = keyof typeof seriesWindows
const windowNames = Object.keys(seriesWindows) as ReadonlyArray<SeriesWindow>
const resolutions = windowNames.map((w) => seriesWindows[w].resolutionMs)
/** Buckets per window (120), plus the one still filling. */
const slots = 121

const metricIndex = new Map<string, number>(seriesMetrics.map((m, i) => [m, i]))
const kindMetric: Partial<Record<CounterEvent["kind"], number>> = {
  "normal-ok": metricIndex.get("normalOk")!,
  "normal-rejected": metricIndex.get("normalRejected")!,
  "token-ok": metricIndex.get("tokenOk")!,
  "token-issued": metricIndex.get("tokensIssued")!,
  throttled: metricIndex.get("throttled")!,
  "endpoint-disabled": metricIndex.get("endpointDisabled")!,
  "not-found": metricIndex.get("notFound")!,
  "other-error": metricIndex.get("otherErrors")!
}

/** The metric a counter event adds to, or -1 for events that are not requests of their own. */
export const metricOf = (event: CounterEvent): number =>
  event.kind === "token-refused" ? metricIndex.get(`tokenRefused.${event.reason}`)! : (kindMetric[event.kind] ?? -1)

/** One window's ring for one instance: the newest bucket written, and a count array per metric that saw traffic. */
class Ring {
  last = Number.NEGATIVE_INFINITY
  readonly counts: Array<Uint32Array | undefined> = []

  add(bucket: number, metric: number): void {
    if (bucket === this.last) {
      const counts = this.counts[metric]
      if (counts !== undefined) {
        counts[slot(bucket)]!++
        return
      }
    } else if (bucket > this.last) this.clearBetween(this.last + 1, bucket)
    // The clock went back: what was counted after that instant is forgotten, as if it had not happened yet.
    else if (bucket < this.last) this.clearBetween(bucket + 1, this.last + 1)
    this.last = bucket
    this.counts[metric] ??= new Uint32Array(slots)
    this.counts[metric][slot(bucket)]!++
  }

  /** Zeroes buckets `from` to `to` (exclusive): at most one turn of the ring. */
  private clearBetween(from: number, to: number): void {
    const n = Math.min(to - from, slots)
    for (const counts of this.counts) {
      if (counts === undefined) continue
      for (let k = 0; k < n; k++) counts[slot(from + k)] = 0
    }
  }

  read(bucket: number, metric: number): number {
    if (bucket > this.last || bucket <= this.last - slots) return 0
    return this.counts[metric]?.[slot(bucket)] ?? 0
  }

  get bytes(): number {
    return this.counts.reduce((n, c) => n + (c?.byteLength ?? 0), 0)
  }
}

const slot = (bucket: number) => ((bucket % slots) + slots) % slots

export interface SeriesQuery {
  /** One instance, or null for the whole fleet. */
  readonly instanceId: string | null
  readonly window: SeriesWindow
  /** Width of each point, a multiple of the window's resolution that divides the window; default the resolution. */
  readonly stepMs?: number
  /** Default: every metric. */
  readonly metrics?: ReadonlyArray<SeriesMetric>
}

export interface SeriesPoints {
  readonly instanceId: string | null
  readonly window: SeriesWindow
  readonly stepMs: number
  /** The virtual instant the points end at. */
  readonly now: number
  /** Start of each point's interval (epoch ms), oldest first; the last one holds `now`. */
  readonly times: ReadonlyArray<number>
  readonly metrics: { readonly [M in SeriesMetric]?: ReadonlyArray<number> }
  /** Each metric's sum over the window. */
  readonly totals: { readonly [M in SeriesMetric]?: number }
}

/** Why a step is refused, or null when the window takes it. */
export const stepProblem = (window: SeriesWindow, stepMs: number): string | null => {
  const { windowMs, resolutionMs } = seriesWindows[window]
  if (!Number.isInteger(stepMs) || stepMs % resolutionMs !== 0 || windowMs % stepMs !== 0 || stepMs <= 0)
    return `must be a multiple of ${resolutionMs} ms that divides the ${window} window (${windowMs} ms)`
  return null
}

/** Synchronous series store; the `Series` service wraps one and reads the time from the virtual clock. */
export class SeriesStore {
  private readonly rings = new Map<string | null, Array<Ring>>()
  /** Requests come in runs from one instance: its rings are kept at hand (cleared with the map). */
  private lastId: string | null = null
  private lastRings: Array<Ring> | null = null
  /** Bumped by every change, so a follower can tell whether anything moved. */
  version = 0

  private ringsOf(id: string | null): Array<Ring> {
    let found = this.rings.get(id)
    if (found === undefined) {
      found = windowNames.map(() => new Ring())
      this.rings.set(id, found)
    }
    return found
  }

  /** Counts one event for `instanceId` and for the fleet at virtual time `now`. */
  record(instanceId: string, event: CounterEvent, now: number): void {
    const metric = metricOf(event)
    if (metric < 0) return
    this.version++
    if (instanceId !== this.lastId || this.lastRings === null) {
      this.lastRings = this.ringsOf(instanceId)
      this.lastId = instanceId
    }
    const mine = this.lastRings
    const fleet = this.ringsOf(null)
    for (let i = 0; i < resolutions.length; i++) {
      const bucket = Math.floor(now / resolutions[i]!)
      mine[i]!.add(bucket, metric)
      fleet[i]!.add(bucket, metric)
    }
  }

  query(q: SeriesQuery, now: number): SeriesPoints {
    const { windowMs, resolutionMs } = seriesWindows[q.window]
    const stepMs = q.stepMs ?? resolutionMs
    const problem = stepProblem(q.window, stepMs)
    if (problem !== null) throw new RangeError(`step ${problem}`)
    const ring = this.rings.get(q.instanceId)?.[windowNames.indexOf(q.window)]
    const per = stepMs / resolutionMs
    const points = windowMs / stepMs
    const lastStep = Math.floor(now / stepMs)
    const times = Array.from({ length: points }, (_, p) => (lastStep - points + 1 + p) * stepMs)
    const metrics: Record<string, Array<number>> = {}
    const totals: Record<string, number> = {}
    for (const name of q.metrics ?? seriesMetrics) {
      const m = metricIndex.get(name)!
      const values = times.map((t) => {
        let sum = 0
        for (let k = 0; k < per; k++) sum += ring?.read(t / resolutionMs + k, m) ?? 0
        return sum
      })
      metrics[name] = values
      totals[name] = values.reduce((a, b) => a + b, 0)
    }
    return { instanceId: q.instanceId, window: q.window, stepMs, now, times, metrics, totals }
  }

  /** Forgets one instance's series, or every series (the fleet's too). */
  reset(instanceId?: string): void {
    this.version++
    this.lastId = null
    this.lastRings = null
    if (instanceId === undefined) this.rings.clear()
    else this.rings.delete(instanceId)
  }

  /** Bytes held in count arrays, and how many series (instances, plus the fleet) hold any. */
  footprint(): { readonly bytes: number; readonly series: number } {
    let bytes = 0
    for (const rings of this.rings.values()) for (const r of rings) bytes += r.bytes
    return { bytes, series: this.rings.size }
  }
}
