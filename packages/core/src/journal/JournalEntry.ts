// One journaled request: what the data plane records of it, and the sequence number the journal gives it. The calling
// process is plain data here; finding it (Linux /proc) is the server's adapter's business.
import type { JournalMode } from "../Enumerations.ts"

/** The local process that made a request, as the adapter found it while the connection was open. */
export interface CallerProcess {
  readonly pid: number
  /** Null when the parent is unknown (the process left before it was read). */
  readonly ppid: number | null
  /** The executable's path, null when it cannot be read. */
  readonly exe: string | null
  /** The command line, arguments joined by spaces and bounded in length ("" when it cannot be read). */
  readonly cmdline: string
}

/**
 * Why a request has no calling process. off: the attribution policy skipped it; unsupported: the platform or way in
 * cannot tell (not Linux, in-process calls); remote: the peer is not on this host; not-found: the socket or process
 * was gone or not visible; denied: the process could not be inspected (EACCES/EPERM).
 */
export type ProcessMiss = "off" | "unsupported" | "remote" | "not-found" | "denied"

/** Every miss reason, in the order counters list them. */
export const processMisses = [
  "off",
  "unsupported",
  "remote",
  "not-found",
  "denied"
] as const satisfies ReadonlyArray<ProcessMiss>

export interface JournalInput {
  /** Epoch ms on the virtual clock. */
  readonly time: number
  /** Null when the peer matched no instance. */
  readonly instanceId: string | null
  readonly peerAddress: string
  readonly peerPort: number
  readonly method: string
  readonly path: string
  readonly mode: JournalMode
  readonly status: number
  readonly userAgent: string | null
  /** The refusal's error tag (e.g. `TokenExpired`), null on success. */
  readonly reason: string | null
  readonly durationMs: number
  /** The calling process, or null with `processMiss` saying why (exactly one of the two is null). */
  readonly process: CallerProcess | null
  readonly processMiss: ProcessMiss | null
}

export interface JournalEntry extends JournalInput {
  /** 1, 2, 3… in append order; never reused, not even after `clear`, so followers can poll with `afterSeq`. */
  readonly seq: number
}
