// `node|bun src/micro.ts`: the data-plane pipeline's own cost per request (no sockets), for the hot paths. Noise on
// a shared machine only adds time, so the best of several runs is the figure to compare between changes.
import { defaultFleet } from "@aliyun-imds/core"
import { buildServices, defaultBehaviour, makeLogger } from "@aliyun-imds/server"
import { Holds } from "@aliyun-imds/server/data/Holds"
import { makePipeline } from "@aliyun-imds/server/data/Pipeline"
import type { RequestIo } from "@aliyun-imds/server/data/Reply"

interface FakeRequest {
  readonly method: string
  readonly url: string
  readonly headers: Readonly<Record<string, string>>
}

const peer = { address: "127.0.0.1", port: 40000 }
const io: RequestIo<FakeRequest> = {
  method: (r) => r.method,
  url: (r) => r.url,
  peer: () => peer,
  header: (r, name) => r.headers[name] ?? null,
  signal: () => new AbortController().signal
}

const { services, runtime } = await buildServices({ fleet: defaultFleet("micro") })
const log = makeLogger("info", () => {}, services.clock.nowUnsafe)
const pipeline = makePipeline({ services, behaviour: defaultBehaviour, log, holds: new Holds() })
const put = { method: "PUT", url: "/latest/api/token", headers: { "x-aliyun-ecs-metadata-token-ttl-seconds": "21600" } }
const token = pipeline.handle(io, put) as { body: string }
const cases: Record<string, FakeRequest> = {
  "normal GET": { method: "GET", url: "/latest/meta-data/instance-id", headers: { "user-agent": "curl/8" } },
  "token GET": {
    method: "GET",
    url: "/latest/meta-data/instance-id",
    headers: { "user-agent": "curl/8", "x-aliyun-ecs-metadata-token": token.body }
  },
  "token PUT": put,
  listing: { method: "GET", url: "/latest/meta-data/", headers: {} },
  credentials: { method: "GET", url: "/latest/meta-data/ram/security-credentials/AliyunImdsDemoRole", headers: {} }
}
const n = 200_000
const only = process.argv[2]
for (const [name, request] of Object.entries(cases)) {
  if (only !== undefined && name !== only) continue
  let best = Number.POSITIVE_INFINITY
  for (let run = 0; run < 5; run++) {
    const started = performance.now()
    for (let i = 0; i < n; i++) pipeline.handle(io, request)
    best = Math.min(best, ((performance.now() - started) * 1e6) / n)
  }
  process.stdout.write(`${name.padEnd(12)} ${best.toFixed(0).padStart(6)} ns/request\n`)
}
await runtime.dispose()
