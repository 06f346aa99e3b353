// Storage behind the journal ring: one preallocated column per field instead of one object per request, and repeated
// strings (path, peer, user agent) kept once. A busy data plane then retains nothing new per request, so a runtime's
// young-generation collector frees each request's garbage at once instead of promoting 10 000 live entries a cycle
// (on Node that promotion grew the heap by ~130 MB and cost ~10% throughput).
import type { JournalMode } from "../Enumerations.ts"
import type { CallerProcess, JournalInput, ProcessMiss } from "./JournalEntry.ts"

/** Distinct strings remembered for sharing; a flood of distinct values only restarts the table. */
const internCapacity = 4096

export class JournalColumns {
  private readonly time: Float64Array
  private readonly peerPort: Float64Array
  private readonly status: Float64Array
  private readonly durationMs: Float64Array
  private readonly instanceId: Array<string | null>
  private readonly peerAddress: Array<string>
  private readonly method: Array<string>
  private readonly path: Array<string>
  private readonly mode: Array<JournalMode>
  private readonly userAgent: Array<string | null>
  private readonly reason: Array<string | null>
  /** The adapter's object, shared by every request of one connection, so keep-alive requests add nothing. */
  private readonly process: Array<CallerProcess | null>
  private readonly processMiss: Array<ProcessMiss | null>
  private readonly interned = new Map<string, string>()

  constructor(capacity: number) {
    this.time = new Float64Array(capacity)
    this.peerPort = new Float64Array(capacity)
    this.status = new Float64Array(capacity)
    this.durationMs = new Float64Array(capacity)
    this.instanceId = new Array<string | null>(capacity).fill(null)
    this.peerAddress = new Array<string>(capacity).fill("")
    this.method = new Array<string>(capacity).fill("")
    this.path = new Array<string>(capacity).fill("")
    this.mode = new Array<JournalMode>(capacity).fill("none")
    this.userAgent = new Array<string | null>(capacity).fill(null)
    this.reason = new Array<string | null>(capacity).fill(null)
    this.process = new Array<CallerProcess | null>(capacity).fill(null)
    this.processMiss = new Array<ProcessMiss | null>(capacity).fill(null)
  }

  /** The stored copy of `s`: an equal string seen before, so this request's own copy can be freed young. */
  private intern<S extends string | null>(s: S): S {
    if (s === null) return s
    const known = this.interned.get(s)
    if (known !== undefined) return known as S
    if (this.interned.size >= internCapacity) this.interned.clear()
    this.interned.set(s, s)
    return s
  }

  write(slot: number, e: JournalInput): void {
    this.time[slot] = e.time
    this.instanceId[slot] = this.intern(e.instanceId)
    this.peerAddress[slot] = this.intern(e.peerAddress)
    this.peerPort[slot] = e.peerPort
    this.method[slot] = this.intern(e.method)
    this.path[slot] = this.intern(e.path)
    this.mode[slot] = e.mode
    this.status[slot] = e.status
    this.userAgent[slot] = this.intern(e.userAgent)
    this.reason[slot] = this.intern(e.reason)
    this.durationMs[slot] = e.durationMs
    this.process[slot] = e.process
    this.processMiss[slot] = e.processMiss
  }

  read(slot: number): JournalInput {
    return {
      time: this.time[slot]!,
      instanceId: this.instanceId[slot]!,
      peerAddress: this.peerAddress[slot]!,
      peerPort: this.peerPort[slot]!,
      method: this.method[slot]!,
      path: this.path[slot]!,
      mode: this.mode[slot]!,
      status: this.status[slot]!,
      userAgent: this.userAgent[slot]!,
      reason: this.reason[slot]!,
      durationMs: this.durationMs[slot]!,
      process: this.process[slot]!,
      processMiss: this.processMiss[slot]!
    }
  }

  /** The filter fields of a slot, read without building the entry. */
  instanceIdAt = (slot: number): string | null => this.instanceId[slot]!
  modeAt = (slot: number): JournalMode => this.mode[slot]!
  statusAt = (slot: number): number => this.status[slot]!
  timeAt = (slot: number): number => this.time[slot]!

  /** Drops every string reference (numbers are simply overwritten later). */
  clear(): void {
    this.instanceId.fill(null)
    this.peerAddress.fill("")
    this.method.fill("")
    this.path.fill("")
    this.userAgent.fill(null)
    this.reason.fill(null)
    this.process.fill(null)
    this.processMiss.fill(null)
    this.interned.clear()
  }
}
