// The packet-analyzer view of the data plane (spec §12, ACS-ECS-ImdsPacketAnalyzer): who asked what, how, and with
// which result. A bounded ring over preallocated columns (JournalColumns.ts); appending copies the entry's fields into
// its slot (no shifting, no allocation) and the oldest entry is overwritten when full.
import { Context, Effect, Layer } from "effect"
import type { JournalMode } from "../Enumerations.ts"
import { JournalColumns } from "./JournalColumns.ts"
import type { CallerProcess, JournalEntry, JournalInput, ProcessMiss } from "./JournalEntry.ts"

export type { CallerProcess, JournalEntry, JournalInput, ProcessMiss }

export interface JournalQuery {
  /** `null` selects requests from peers that matched no instance. */
  readonly instanceId?: string | null
  readonly mode?: JournalMode
  readonly status?: number
  /** Only entries with `time >= since` (epoch ms). */
  readonly since?: number
  /**
   * Only entries with `seq > afterSeq`. With it, the *oldest* `limit` matches are returned, so a follower polling
   * from its last seen seq never skips entries; without it, the newest `limit`.
   */
  readonly afterSeq?: number
  /** Default 100. */
  readonly limit?: number
}

export const defaultJournalCapacity = 10_000
const defaultLimit = 100

const matches = (c: JournalColumns, slot: number, q: JournalQuery): boolean =>
  (q.instanceId === undefined || c.instanceIdAt(slot) === q.instanceId) &&
  (q.mode === undefined || c.modeAt(slot) === q.mode) &&
  (q.status === undefined || c.statusAt(slot) === q.status) &&
  (q.since === undefined || c.timeAt(slot) >= q.since)

/** Synchronous ring buffer; the `Journal` service wraps one. */
export class JournalRing {
  private readonly columns: JournalColumns
  /** Slot the next append writes. */
  private head = 0
  private count = 0
  private nextSeq = 1
  private overwritten = 0

  readonly capacity: number

  constructor(capacity: number = defaultJournalCapacity) {
    this.capacity = capacity
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`journal capacity must be ≥ 1: ${capacity}`)
    this.columns = new JournalColumns(capacity)
  }

  get size(): number {
    return this.count
  }

  /** How many entries were overwritten since creation or the last `clear`. */
  get dropped(): number {
    return this.overwritten
  }

  /** Stores a copy of `entry` and returns its seq. */
  append(entry: JournalInput): number {
    this.columns.write(this.head, entry)
    this.head = this.head + 1 === this.capacity ? 0 : this.head + 1
    if (this.count === this.capacity) this.overwritten++
    else this.count++
    return this.nextSeq++
  }

  clear(): void {
    this.columns.clear()
    this.head = 0
    this.count = 0
    this.overwritten = 0
  }

  /** Matching entries, oldest first. */
  query(q: JournalQuery = {}): Array<JournalEntry> {
    const limit = q.limit ?? defaultLimit
    if (limit <= 0) return []
    return q.afterSeq === undefined ? this.newest(q, limit) : this.after(q.afterSeq, q, limit)
  }

  private seqAt(age: number): number {
    return this.nextSeq - this.count + age
  }

  /** The slot of the entry `age` places after the oldest one. */
  private slotAt(age: number): number {
    return (this.head - this.count + age + this.capacity) % this.capacity
  }

  private newest(q: JournalQuery, limit: number): Array<JournalEntry> {
    const out: Array<JournalEntry> = []
    for (let age = this.count - 1; age >= 0 && out.length < limit; age--) {
      const slot = this.slotAt(age)
      if (matches(this.columns, slot, q)) out.push({ seq: this.seqAt(age), ...this.columns.read(slot) })
    }
    return out.reverse()
  }

  private after(afterSeq: number, q: JournalQuery, limit: number): Array<JournalEntry> {
    const out: Array<JournalEntry> = []
    // Seqs are contiguous in the ring, so the first candidate is found by arithmetic, not by scanning.
    const start = Math.max(0, Math.floor(afterSeq) + 1 - this.seqAt(0))
    for (let age = start; age < this.count && out.length < limit; age++) {
      const slot = this.slotAt(age)
      if (matches(this.columns, slot, q)) out.push({ seq: this.seqAt(age), ...this.columns.read(slot) })
    }
    return out
  }
}

export interface JournalOptions {
  /** Entries kept before the oldest is overwritten; default 10 000. */
  readonly capacity?: number
}

export class Journal extends Context.Service<
  Journal,
  {
    /** Hot-path form of `append`; returns the entry's seq. */
    readonly appendUnsafe: (entry: JournalInput) => number
    readonly append: (entry: JournalInput) => Effect.Effect<number>
    readonly query: (query?: JournalQuery) => Effect.Effect<ReadonlyArray<JournalEntry>>
    readonly clear: Effect.Effect<void>
    readonly size: Effect.Effect<number>
    readonly capacity: number
    readonly dropped: Effect.Effect<number>
  }
>()("@aliyun-imds/core/Journal") {
  /** A journal with the given capacity; an invalid capacity is a defect when the layer is built. */
  static readonly layerWith = (options: JournalOptions): Layer.Layer<Journal> =>
    Layer.sync(Journal, () => {
      const ring = new JournalRing(options.capacity)
      return Journal.of({
        appendUnsafe: (entry) => ring.append(entry),
        append: (entry) => Effect.sync(() => ring.append(entry)),
        query: (query) => Effect.sync(() => ring.query(query)),
        clear: Effect.sync(() => ring.clear()),
        size: Effect.sync(() => ring.size),
        capacity: ring.capacity,
        dropped: Effect.sync(() => ring.dropped)
      })
    })

  static readonly layer: Layer.Layer<Journal> = Journal.layerWith({})
}
