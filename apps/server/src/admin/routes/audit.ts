// The migration view: who still reads without a token, grouped by calling process (core's auditOf over the journal),
// with each instance's CloudMonitor figures from the counters.
import { auditSinceMs, isoTime } from "@aliyun-imds/admin-api"
import { auditOf } from "@aliyun-imds/core"
import { Effect } from "effect"
import type { AdminDeps } from "../AdminDeps.ts"
import type { AdminHandlers } from "../Handlers.ts"
import { existingInstanceId } from "../views.ts"

export const auditHandlers = ({ services: { fleet, journal, counters, clock } }: AdminDeps) =>
  ({
    DescribeAudit: ({ query }) =>
      Effect.gen(function* () {
        const instanceId = query.instance === undefined ? undefined : yield* existingInstanceId(fleet, query.instance)
        const now = clock.nowUnsafe()
        const since = query.since === undefined ? undefined : auditSinceMs(query.since, now)
        const entries = yield* journal.query({ limit: journal.capacity, ...(since === undefined ? {} : { since }) })
        const groups = auditOf(entries, {
          refused: query.refused === "true",
          ...(since === undefined ? {} : { since }),
          ...(instanceId === undefined ? {} : { instanceId })
        })
        const snapshot = yield* counters.snapshot(instanceId)
        return {
          groups: groups.map(({ firstTime, lastTime, ...g }) => ({
            ...g,
            first: isoTime(firstTime),
            last: isoTime(lastTime)
          })),
          instances: Object.entries(snapshot.instances).map(([id, c]) => ({
            instanceId: id,
            successfulNormalModeAccesses: c.normalOk,
            normalModeRejections: c.normalRejected,
            tokenRejections: Object.values(c.tokenRefused).reduce((n, x) => n + x, 0),
            tokenReads: c.tokenOk
          })),
          since: since === undefined ? null : isoTime(since),
          journalDropped: yield* journal.dropped
        }
      })
  }) satisfies Partial<AdminHandlers>
