// The CloudMonitor view (spec §12): per-instance request counters led by normal-mode successes and rejections,
// tokens issued and refused (by reason), throttled requests, and a latency histogram.
import { tokenRefusalReasons } from "@aliyun-imds/core"
import { Effect, Schema } from "effect"
import type { AdminDeps } from "../AdminDeps.ts"
import { type AdminRoute, jsonRoute } from "../Route.ts"
import { existingInstanceId } from "../views.ts"

const count = Schema.Finite

export const InstanceCountersView = Schema.Struct({
  normalOk: count.annotate({ description: 'CloudMonitor "Successful Normal Mode Accesses".' }),
  normalRejected: count.annotate({ description: "Token-less reads refused because HttpTokens=required." }),
  tokenOk: count,
  tokensIssued: count,
  throttled: count,
  endpointDisabled: count,
  notFound: count,
  otherErrors: count,
  tokenRefused: Schema.Struct(
    Object.fromEntries(tokenRefusalReasons.map((r) => [r, count])) as {
      readonly [R in (typeof tokenRefusalReasons)[number]]: typeof count
    }
  ),
  total: count,
  latency: Schema.Struct({
    count,
    sumSeconds: Schema.Finite,
    buckets: Schema.Record(Schema.String, count)
  })
}).annotate({ identifier: "InstanceCounters" })

export const CountersResponse = Schema.Struct({
  instances: Schema.Record(Schema.String, InstanceCountersView),
  totals: InstanceCountersView
})

export const CountersQuery = Schema.Struct({
  instance: Schema.optionalKey(Schema.String.annotate({ description: 'One instance (or "default"); all when absent.' }))
})

const tag = "Observability"

export const counterRoutes = ({ services: { fleet, counters } }: AdminDeps): ReadonlyArray<AdminRoute> => {
  const idOf = (instance: string | undefined) =>
    instance === undefined ? Effect.succeed(undefined) : existingInstanceId(fleet, instance)
  return [
    jsonRoute({
      method: "GET",
      path: "/v1/counters",
      operationId: "getCounters",
      tag,
      summary: "Request counters per instance and in total",
      query: CountersQuery,
      errors: [404],
      response: CountersResponse,
      handle: ({ query }) => Effect.flatMap(idOf(query.instance), counters.snapshot)
    }),
    jsonRoute({
      method: "DELETE",
      path: "/v1/counters",
      operationId: "resetCounters",
      tag,
      summary: "Zero the counters of one instance (`?instance=`) or of all",
      query: CountersQuery,
      errors: [404],
      response: CountersResponse,
      handle: ({ query }) =>
        Effect.flatMap(idOf(query.instance), (id) => Effect.andThen(counters.reset(id), counters.snapshot(id)))
    })
  ]
}
