// A journal entry as the data plane records a plain token-less read, for the journal and audit tests to vary.
import type { JournalInput } from "../src/journal/JournalEntry.ts"

export const journalInput = (over: Partial<JournalInput> = {}): JournalInput => ({
  time: 1_000,
  instanceId: "i-a",
  peerAddress: "127.0.0.1",
  peerPort: 40_000,
  method: "GET",
  path: "/latest/meta-data/instance-id",
  mode: "normal",
  status: 200,
  userAgent: "curl/8.5.0",
  reason: null,
  durationMs: 0.3,
  process: null,
  processMiss: "off",
  ...over
})
