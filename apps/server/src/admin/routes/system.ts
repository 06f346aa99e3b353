// The admin listener's own endpoints: liveness (the one route open without a token), discovery of the metadata
// listener, Prometheus metrics and this API's OpenAPI document.
import { escapeLabelValue } from "@aliyun-imds/core"
import { Effect, Schema } from "effect"
import type { AdminDeps } from "../AdminDeps.ts"
import { type AdminRoute, jsonRoute, rawReply, rawRoute } from "../Route.ts"

export const Health = Schema.Struct({ status: Schema.Literal("ok"), runtime: Schema.String })

export const Info = Schema.Struct({
  runtime: Schema.String,
  dataUrl: Schema.String,
  fleetSource: Schema.String,
  defaultInstanceId: Schema.String,
  instanceCount: Schema.Finite
})

const gauge = (name: string, help: string, samples: ReadonlyArray<readonly [string, number]>) =>
  `# HELP aliyun_imds_${name} ${help}\n# TYPE aliyun_imds_${name} gauge\n` +
  samples.map(([labels, value]) => `aliyun_imds_${name}${labels} ${value}\n`).join("")

/** What the counters do not cover: the fleet, the clock and the rules in force. */
const extraMetrics = ({ services }: AdminDeps) =>
  Effect.gen(function* () {
    const { fleet, clock, throttle, faults, journal } = services
    const states = yield* fleet.list
    const time = yield* clock.state
    const info = states.map((s) => {
      const i = s.instance
      const o = i.metadataOptions
      const labels = [
        ["instance_id", i.instanceId],
        ["region_id", i.regionId],
        ["http_endpoint", o.HttpEndpoint],
        ["http_tokens", o.HttpTokens],
        ["role", s.role?.name ?? ""]
      ]
      return [`{${labels.map(([k, v]) => `${k}="${escapeLabelValue(v!)}"`).join(",")}}`, 1] as const
    })
    return (
      gauge("fleet_instances", "Instances in the fleet.", [["", states.length]]) +
      gauge("instance_info", "One series per instance, labelled with its metadata options and role.", info) +
      gauge("clock_offset_seconds", "Virtual clock minus wall clock.", [["", time.offsetMs / 1000]]) +
      gauge("clock_frozen", "1 while the virtual clock is frozen.", [["", time.frozen ? 1 : 0]]) +
      gauge("throttle_rules", "Throttle rules in force.", [["", Object.keys(yield* throttle.rules).length]]) +
      gauge("fault_rules", "Fault rules in force.", [["", (yield* faults.list).length]]) +
      gauge("journal_entries", "Requests held in the journal.", [["", yield* journal.size]])
    )
  })

const tag = "Admin"

export const systemRoutes = (deps: AdminDeps, openapi: () => object): ReadonlyArray<AdminRoute> => [
  jsonRoute({
    method: "GET",
    path: "/health",
    operationId: "health",
    tag,
    summary: "Liveness; open without a token",
    auth: false,
    response: Health,
    handle: () => Effect.succeed({ status: "ok" as const, runtime: deps.platformName })
  }),
  jsonRoute({
    method: "GET",
    path: "/v1/info",
    operationId: "info",
    tag,
    summary: "Where the metadata listener is and what it serves",
    response: Info,
    handle: () =>
      Effect.map(deps.services.fleet.config, (c) => ({
        runtime: deps.platformName,
        dataUrl: deps.dataUrl(),
        fleetSource: deps.source.describe,
        defaultInstanceId: c.defaultInstanceId,
        instanceCount: c.instances.length
      }))
  }),
  rawRoute({
    method: "GET",
    path: "/metrics",
    operationId: "metrics",
    tag,
    summary: "Prometheus metrics (text format 0.0.4)",
    produces: { contentType: "text/plain; version=0.0.4; charset=utf-8", description: "Prometheus text." },
    handle: () =>
      Effect.map(extraMetrics(deps), (extra) =>
        rawReply(deps.services.counters.prometheusText() + extra, "text/plain; version=0.0.4; charset=utf-8")
      )
  }),
  rawRoute({
    method: "GET",
    path: "/openapi.json",
    operationId: "openapi",
    tag,
    summary: "This API as an OpenAPI 3.1 document",
    produces: { contentType: "application/json", description: "OpenAPI 3.1 document." },
    handle: () => Effect.sync(() => rawReply(JSON.stringify(openapi()), "application/json"))
  })
]
