// The admin listener's own endpoints: liveness, discovery of the metadata listener, Prometheus metrics and the
// OpenAPI document (derived from the contract, built once on first request).
import { openApiDocument, prometheusContentType } from "@aliyun-imds/admin-api"
import { escapeLabelValue } from "@aliyun-imds/core"
import { Effect } from "effect"
import type { AdminDeps } from "../AdminDeps.ts"
import type { AdminHandlers } from "../Handlers.ts"

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

export const systemHandlers = (deps: AdminDeps) => {
  let document: string | null = null
  return {
    Health: () => Effect.succeed({ status: "ok" as const, runtime: deps.platformName }),
    DescribeEmulator: () =>
      Effect.map(deps.services.fleet.config, (c) => ({
        runtime: deps.platformName,
        dataUrl: deps.dataUrl(),
        fleetSource: deps.source.describe,
        defaultInstanceId: c.defaultInstanceId,
        instanceCount: c.instances.length
      })),
    GetMetrics: () =>
      Effect.map(extraMetrics(deps), (extra) => ({
        body: deps.services.counters.prometheusText() + extra,
        contentType: prometheusContentType
      })),
    GetOpenApiDocument: () =>
      Effect.sync(() => {
        document ??= JSON.stringify(openApiDocument())
        return { body: document, contentType: "application/json" }
      })
  } satisfies Partial<AdminHandlers>
}
