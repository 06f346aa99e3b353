// In-process harness: the data and admin Hono apps over freshly built core services, no sockets. Peers are chosen
// per request (`peer` argument), time moves through the emulator's virtual clock (`services.clock.advance`).
import type { FleetConfig } from "@aliyun-imds/core"
import { defaultFleet } from "@aliyun-imds/core"
import { Effect } from "effect"
import type { Hono } from "hono"
import { makeAdminApp } from "../../src/admin/AdminPlane.ts"
import { makeDataApp } from "../../src/data/DataPlane.ts"
import { Holds } from "../../src/data/Holds.ts"
import type { Peer } from "../../src/data/MetadataRequest.ts"
import type { FleetSource } from "../../src/FleetSource.ts"
import { type LogFormat, type LogLevel, makeLogger } from "../../src/Log.ts"
import { type DataPlaneBehaviour, defaultBehaviour } from "../../src/ServerOptions.ts"
import { buildServices, type CoreServices, type Runtime } from "../../src/Services.ts"

export interface Harness {
  readonly data: Hono
  readonly admin: Hono
  readonly services: CoreServices
  readonly runtime: Runtime
  /** Requests the data plane is holding (injected latency, black holes). */
  readonly holds: Holds
  readonly instanceId: string
  /** GET/PUT/… against the metadata app as `peer` (default 127.0.0.1). */
  readonly request: (path: string, init?: RequestInit, peer?: Peer) => Promise<Response>
  /** A fresh token for the default instance (or `peer`'s). */
  readonly token: (ttl?: number, peer?: Peer) => Promise<string>
  /** Calls the admin app with an optional JSON body; `json` is the parsed body when it is a JSON object. */
  readonly adminJson: (method: string, path: string, body?: unknown) => Promise<AdminReply>
  /** Runs an effect against the harness's services (admin operations). */
  readonly run: <A, E>(effect: Effect.Effect<A, E, never>) => Promise<A>
  readonly dispose: () => Promise<void>
}

export interface AdminReply {
  readonly status: number
  readonly text: string
  // biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary admin JSON shapes
  readonly json: any
}

export interface HarnessOptions {
  readonly fleet?: FleetConfig
  readonly behaviour?: Partial<DataPlaneBehaviour>
  readonly adminToken?: string
  readonly source?: FleetSource
  /** The web console's files served at `/` (default: none, so `/` says how to build them). */
  readonly consoleFiles?: ReadonlyMap<string, Uint8Array>
  /** Where log lines go, and from which level; silent by default. */
  readonly log?: { readonly level: LogLevel; readonly sink: (line: string) => void; readonly format?: LogFormat }
}

export const makeHarness = async (options: HarnessOptions = {}): Promise<Harness> => {
  const fleet = options.fleet ?? defaultFleet("harness")
  const { runtime, services } = await buildServices({ fleet })
  const format = options.log?.format
  const log = makeLogger(
    options.log?.level ?? "silent",
    options.log?.sink ?? (() => {}),
    services.clock.nowUnsafe,
    format === undefined ? {} : { format }
  )
  const behaviour = { ...defaultBehaviour, ...options.behaviour }
  const holds = new Holds()
  const data = makeDataApp({ services, behaviour, log, holds })
  const source = options.source ?? { describe: "harness", load: async () => fleet }
  const admin = makeAdminApp({
    runtime,
    services,
    source,
    log,
    token: options.adminToken ?? null,
    platformName: "test",
    dataUrl: () => "http://127.0.0.1:0",
    ecsUrl: () => null,
    consoleFiles: options.consoleFiles ?? null
  })
  const request = (path: string, init?: RequestInit, peer?: Peer) =>
    Promise.resolve(data.request(path, init, peer ? { peer } : undefined))
  const token = async (ttl = 21600, peer?: Peer) => {
    const res = await request(
      "/latest/api/token",
      { method: "PUT", headers: { "X-aliyun-ecs-metadata-token-ttl-seconds": String(ttl) } },
      peer
    )
    if (res.status !== 200) throw new Error(`token PUT failed: ${res.status}`)
    return res.text()
  }
  const adminJson = async (method: string, path: string, body?: unknown): Promise<AdminReply> => {
    const res = await admin.request(path, { method, ...(body === undefined ? {} : { body: JSON.stringify(body) }) })
    const text = await res.text()
    return { status: res.status, text, json: text.startsWith("{") ? JSON.parse(text) : null }
  }
  return {
    data,
    admin,
    adminJson,
    services,
    runtime,
    holds,
    instanceId: fleet.defaultInstanceId,
    request,
    token,
    run: (effect) => runtime.runPromise(effect),
    dispose: () => runtime.dispose()
  }
}

export { Effect }
