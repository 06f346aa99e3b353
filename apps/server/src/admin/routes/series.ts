// The CloudMonitor chart: the core's series read once, or followed as Server-Sent Events — sent again when the counts
// or the virtual time move, with the journal's new entries when asked — for the console's live view.
import { durationMs, type SeriesStreamParams } from "@aliyun-imds/admin-api"
import { type SeriesMetric, type SeriesQuery, type SeriesWindow, seriesWindows, stepProblem } from "@aliyun-imds/core"
import { Effect } from "effect"
import type { AdminDeps } from "../AdminDeps.ts"
import { InvalidParameter } from "../errors.ts"
import type { AdminHandlers } from "../Handlers.ts"
import { existingInstanceId } from "../views.ts"

type Params = Omit<typeof SeriesStreamParams.Type, "journal" | "afterSeq" | "events">

/** How often a stream looks for changes; a request counted now reaches the page within this. */
const pollMs = 250
/** A comment line now and then keeps proxies and idle timeouts from closing a quiet stream. */
const keepAliveMs = 15_000
const journalBatch = 500

export const seriesHandlers = ({ services: { fleet, series, journal, clock } }: AdminDeps) => {
  const toQuery = (q: Params): Effect.Effect<SeriesQuery, unknown> =>
    Effect.gen(function* () {
      const window: SeriesWindow = q.window ?? "1h"
      const stepMs = q.step === undefined ? seriesWindows[window].resolutionMs : durationMs(q.step)
      const problem = stepProblem(window, stepMs)
      if (problem !== null) return yield* new InvalidParameter({ field: "step", message: problem })
      const instanceId = q.instance === undefined ? null : yield* existingInstanceId(fleet, q.instance)
      const metrics = q.metrics?.split(",") as ReadonlyArray<SeriesMetric> | undefined
      return { instanceId, window, stepMs, ...(metrics === undefined ? {} : { metrics }) }
    })

  const encoder = new TextEncoder()
  const event = (name: string, data: unknown) => encoder.encode(`event: ${name}\ndata: ${JSON.stringify(data)}\n\n`)

  /** A stream that checks every `pollMs` whether the points changed (new counts, or a step of virtual time). */
  const stream = (query: SeriesQuery, withJournal: boolean, afterSeq: number | undefined, maxEvents: number) => {
    let timer: ReturnType<typeof setInterval> | undefined
    const stop = () => clearInterval(timer)
    return new ReadableStream<Uint8Array>({
      start(controller) {
        let seen = ""
        let sent = 0
        let quietSince = Date.now()
        let seq = afterSeq ?? Effect.runSync(journal.query({ limit: 1 }))[0]?.seq ?? 0
        const tick = () => {
          const mark = `${series.versionUnsafe()}:${Math.floor(clock.nowUnsafe() / query.stepMs!)}`
          if (withJournal) {
            const entries = Effect.runSync(journal.query({ afterSeq: seq, limit: journalBatch }))
            if (entries.length > 0) {
              seq = entries[entries.length - 1]!.seq
              controller.enqueue(event("journal", { entries }))
              quietSince = Date.now()
            }
          }
          if (mark !== seen) {
            seen = mark
            controller.enqueue(event("series", series.queryUnsafe(query)))
            quietSince = Date.now()
            if (++sent >= maxEvents) {
              stop()
              controller.close()
            }
          } else if (Date.now() - quietSince >= keepAliveMs) {
            controller.enqueue(encoder.encode(": keep-alive\n\n"))
            quietSince = Date.now()
          }
        }
        tick()
        if (sent < maxEvents) {
          timer = setInterval(tick, pollMs)
          timer.unref?.()
        }
      },
      cancel: stop
    })
  }

  return {
    DescribeSeries: ({ query }) => Effect.map(toQuery(query), series.queryUnsafe),
    StreamSeries: ({ query }) =>
      Effect.map(toQuery(query), (q) => ({
        contentType: "text/event-stream; charset=utf-8",
        body: stream(q, query.journal === "true", query.afterSeq, query.events ?? Number.POSITIVE_INFINITY)
      }))
  } satisfies Partial<AdminHandlers>
}
