// The migration view (what the ACS-ECS-ImdsPacketAnalyzer plugin logs on a real instance): which processes still read
// metadata without a token, grouped by process, with the CloudMonitor "Successful Normal Mode Accesses" per instance.
import { Schema } from "effect"
import { json, operation } from "../Operation.ts"
import { parseDuration, parseInstant } from "../Time.ts"

const count = Schema.Finite

/** A duration needs its unit here ("10m"); bare digits are epoch milliseconds, as in the journal's `since`. */
const durationBack = (s: string): number | null => (/^\s*\d+\s*$/.test(s) ? null : parseDuration(s))

/** `since`: a duration back from the emulator's now ("10m", "2h") or an instant (ISO 8601, epoch ms). */
export const AuditSince = Schema.String.check(
  Schema.makeFilter((s: string) => durationBack(s) !== null || parseInstant(s) !== null, {
    expected: 'a duration back from now such as "10m" or "2h", an ISO 8601 time, or epoch milliseconds'
  })
).annotate({
  description: 'A duration back from the emulator\'s now ("10m", "2h"), an ISO 8601 time, or epoch milliseconds.'
})

/** Epoch ms of an accepted `since` at virtual time `now`. */
export const auditSinceMs = (since: string, now: number): number => {
  const back = durationBack(since)
  return back !== null ? now - back : (parseInstant(since) ?? now)
}

export const AuditQueryParams = Schema.Struct({
  since: Schema.optionalKey(AuditSince),
  refused: Schema.optionalKey(
    Schema.Literals(["true", "false"]).annotate({
      description: "Also list refused requests: token-less reads under HttpTokens=required (403) and bad tokens (401)."
    })
  ),
  instance: Schema.optionalKey(Schema.String.annotate({ description: 'An instance id or "default"; all when absent.' }))
})

export const AuditGroupView = Schema.Struct({
  instanceId: Schema.NullOr(Schema.String),
  process: Schema.NullOr(Schema.Struct({ exe: Schema.NullOr(Schema.String), cmdline: Schema.String })),
  processMiss: Schema.NullOr(Schema.String).annotate({ description: "Why the process is unknown, when it is." }),
  pids: Schema.Array(Schema.Finite),
  peerAddress: Schema.NullOr(Schema.String),
  userAgents: Schema.Array(Schema.String),
  count,
  normal: count.annotate({ description: "Answered without a token (normal mode)." }),
  refused: count,
  first: Schema.String,
  last: Schema.String,
  paths: Schema.Array(Schema.Struct({ path: Schema.String, count }))
}).annotate({ identifier: "AuditGroup" })

export const AuditInstanceView = Schema.Struct({
  instanceId: Schema.String,
  successfulNormalModeAccesses: count.annotate({ description: 'CloudMonitor "Successful Normal Mode Accesses".' }),
  normalModeRejections: count.annotate({ description: "Token-less reads refused because HttpTokens=required." }),
  tokenRejections: count.annotate({ description: "Requests refused for a missing, expired or invalid token." }),
  tokenReads: count
}).annotate({ identifier: "AuditInstance" })

export const AuditResponse = Schema.Struct({
  /** Callers grouped by process, most requests first (from the journal, so within its capacity). */
  groups: Schema.Array(AuditGroupView),
  /** Since the counters were last reset (not limited by the journal's capacity or `since`). */
  instances: Schema.Array(AuditInstanceView),
  since: Schema.NullOr(Schema.String),
  /** Journal entries overwritten before they could be audited: when non-zero the groups are incomplete. */
  journalDropped: count
})

export const auditOperations = {
  DescribeAudit: operation({
    method: "GET",
    path: "/v1/audit",
    tag: "Observability",
    summary: "Who still reads without a token: normal-mode requests grouped by calling process, per instance",
    query: AuditQueryParams,
    errors: [404],
    success: json(AuditResponse)
  })
}
