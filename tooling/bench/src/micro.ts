// `node|bun src/micro.ts`: the data-plane pipeline's own cost per request (no sockets), for the hot paths. Noise on
// a shared machine only adds time, so the best of several runs is the figure to compare between changes.
import { defaultFleet } from "@aliyun-imds/core"
import {
  buildServices,
  defaultBehaviour,
  Holds,
  type MetadataRequest,
  makeLogger,
  makePipeline,
  type RuleHeader
} from "@aliyun-imds/server"

const peer = { address: "127.0.0.1", port: 40000 }
const signal = new AbortController().signal

/** A request through the port, built once per case: the loop measures the pipeline, not the adapter. */
const request = (method: string, target: string, headers: Partial<Record<RuleHeader, string>>): MetadataRequest => ({
  method,
  target,
  peer,
  header: (name) => headers[name] ?? null,
  signal
})

const { services, runtime } = await buildServices({ fleet: defaultFleet("micro") })
const log = makeLogger("info", () => {}, services.clock.nowUnsafe)
const pipeline = makePipeline({ services, behaviour: defaultBehaviour, log, holds: new Holds() })
const put = request("PUT", "/latest/api/token", { "x-aliyun-ecs-metadata-token-ttl-seconds": "21600" })
const token = pipeline.handle(put) as { body: string }
const cases: Record<string, MetadataRequest> = {
  "normal GET": request("GET", "/latest/meta-data/instance-id", { "user-agent": "curl/8" }),
  "token GET": request("GET", "/latest/meta-data/instance-id", {
    "user-agent": "curl/8",
    "x-aliyun-ecs-metadata-token": token.body
  }),
  "token PUT": put,
  listing: request("GET", "/latest/meta-data/", {}),
  credentials: request("GET", "/latest/meta-data/ram/security-credentials/AliyunImdsDemoRole", {})
}
const n = 200_000
const only = process.argv[2]
for (const [name, one] of Object.entries(cases)) {
  if (only !== undefined && name !== only) continue
  let best = Number.POSITIVE_INFINITY
  for (let run = 0; run < 5; run++) {
    const started = performance.now()
    for (let i = 0; i < n; i++) pipeline.handle(one)
    best = Math.min(best, ((performance.now() - started) * 1e6) / n)
  }
  process.stdout.write(`${name.padEnd(12)} ${best.toFixed(0).padStart(6)} ns/request\n`)
}
await runtime.dispose()
