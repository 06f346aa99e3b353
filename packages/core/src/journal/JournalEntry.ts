// One journaled request: what the data plane records of it, and the sequence number the journal gives it.
import type { JournalMode } from "../Enumerations.ts"

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
}

export interface JournalEntry extends JournalInput {
  /** 1, 2, 3… in append order; never reused, not even after `clear`, so followers can poll with `afterSeq`. */
  readonly seq: number
}
