// The packet-analyzer view: recent metadata requests filtered by instance, mode, status and time, and followable by
// sequence number (`afterSeq`).
import { instantMs, type JournalQueryParams } from "@aliyun-imds/admin-api"
import type { JournalQuery } from "@aliyun-imds/core"
import { Effect } from "effect"
import type { AdminDeps } from "../AdminDeps.ts"
import type { AdminHandlers } from "../Handlers.ts"
import { instanceIdOf } from "../views.ts"

type Params = typeof JournalQueryParams.Type

export const journalHandlers = ({ services: { fleet, journal } }: AdminDeps) => {
  const toQuery = (q: Params): Effect.Effect<JournalQuery> =>
    Effect.map(
      q.instance === undefined || q.instance === "none" ? Effect.succeed(null) : instanceIdOf(fleet, q.instance),
      (id) => ({
        ...(q.instance === undefined ? {} : { instanceId: id }),
        ...(q.mode === undefined ? {} : { mode: q.mode }),
        ...(q.status === undefined ? {} : { status: q.status }),
        ...(q.since === undefined ? {} : { since: instantMs(q.since) }),
        ...(q.afterSeq === undefined ? {} : { afterSeq: q.afterSeq }),
        ...(q.limit === undefined ? {} : { limit: q.limit })
      })
    )
  const view = (q: JournalQuery) =>
    Effect.all({
      entries: journal.query(q),
      size: journal.size,
      capacity: Effect.succeed(journal.capacity),
      dropped: journal.dropped
    })
  return {
    DescribeJournal: ({ query }) => Effect.flatMap(toQuery(query), view),
    ClearJournal: () => Effect.andThen(journal.clear, view({}))
  } satisfies Partial<AdminHandlers>
}
