// The packet-analyzer view (spec §12): who asked what, how (normal / token mode) and with which result, filtered by
// instance, mode, status and time, and followable by sequence number (`afterSeq`).
import type { JournalQuery } from "@aliyun-imds/core"
import { Effect, Schema, SchemaTransformation } from "effect"
import type { AdminDeps } from "../AdminDeps.ts"
import { type AdminRoute, jsonRoute } from "../Route.ts"
import { InstantText, instantMs } from "../time.ts"
import { instanceIdOf } from "../views.ts"

const Mode = Schema.Literals(["normal", "token", "none"])
/** A whole number in a query string; the description stays on the text side, where OpenAPI reads it. */
const intText = (description: string, minimum: number, maximum: number) =>
  Schema.String.annotate({ description: `${description} ${minimum}..${maximum}.` })
    .check(Schema.isPattern(/^\d{1,16}$/, { expected: "a whole number" }))
    .pipe(
      Schema.decodeTo(Schema.Int.check(Schema.isBetween({ minimum, maximum })), SchemaTransformation.numberFromString)
    )

export const JournalQueryParams = Schema.Struct({
  instance: Schema.optionalKey(
    Schema.String.annotate({ description: 'An instance id, "default", or "none" for peers bound to no instance.' })
  ),
  mode: Schema.optionalKey(Mode),
  status: Schema.optionalKey(intText("HTTP status (0: connection dropped),", 0, 599)),
  since: Schema.optionalKey(InstantText),
  afterSeq: Schema.optionalKey(intText("Only entries after this seq, oldest first:", 0, Number.MAX_SAFE_INTEGER)),
  limit: Schema.optionalKey(intText("At most this many entries (default 100):", 1, 10_000))
})

export const JournalEntryView = Schema.Struct({
  seq: Schema.Finite,
  time: Schema.Finite,
  instanceId: Schema.NullOr(Schema.String),
  peerAddress: Schema.String,
  peerPort: Schema.Finite,
  method: Schema.String,
  path: Schema.String,
  mode: Mode,
  status: Schema.Finite,
  userAgent: Schema.NullOr(Schema.String),
  reason: Schema.NullOr(Schema.String),
  durationMs: Schema.Finite
}).annotate({ identifier: "JournalEntry" })

export const JournalResponse = Schema.Struct({
  entries: Schema.Array(JournalEntryView),
  /** Entries held now, the ring's capacity, and how many were overwritten. */
  size: Schema.Finite,
  capacity: Schema.Finite,
  dropped: Schema.Finite
})

type Params = typeof JournalQueryParams.Type

const tag = "Observability"

export const journalRoutes = ({ services: { fleet, journal } }: AdminDeps): ReadonlyArray<AdminRoute> => {
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
  return [
    jsonRoute({
      method: "GET",
      path: "/v1/journal",
      operationId: "queryJournal",
      tag,
      summary: "Recent metadata requests, oldest first",
      query: JournalQueryParams,
      response: JournalResponse,
      handle: ({ query }) => Effect.flatMap(toQuery(query), view)
    }),
    jsonRoute({
      method: "DELETE",
      path: "/v1/journal",
      operationId: "clearJournal",
      tag,
      summary: "Forget every journal entry (sequence numbers keep counting)",
      response: JournalResponse,
      handle: () => Effect.andThen(journal.clear, view({}))
    })
  ]
}
