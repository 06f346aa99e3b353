// The emulator as msw handlers: requests to the metadata address are answered in-process by the data plane's own
// pipeline (the same rules, rendering, journal and counters as the listeners), and `admin` is the typed admin client
// over the admin app's fetch — no socket, no port, nothing leaves the process.
import type { AdminOutput, OperationId } from "@aliyun-imds/admin-api"
import { type AdminArgs, type AdminClient, makeAdminClient } from "@aliyun-imds/client/admin"
import type { FleetConfig, IdentityPem } from "@aliyun-imds/core"
import {
  buildServices,
  type CoreServices,
  type DataPlaneBehaviour,
  defaultBehaviour,
  fetchAdapter,
  fleetSource,
  Holds,
  type LogLevel,
  makeAdminApp,
  makeLogger,
  makePipeline,
  type Peer
} from "@aliyun-imds/server"
import { Effect } from "effect"
import { FetchHttpClient, HttpClient } from "effect/http"
import { type HttpHandler, http } from "msw"

export interface ImdsOptions {
  /** Where the handlers answer; default the real service's address, `http://100.100.100.200`. */
  readonly origin?: string
  /** A fleet file (YAML or JSON) or an already decoded fleet; default one generated instance. */
  readonly configPath?: string
  readonly fleet?: FleetConfig
  /** Seed of generated values when no fleet is given, for reproducible ids. */
  readonly seed?: string
  /** Metadata options of instances the fleet does not set. */
  readonly httpTokens?: "optional" | "required"
  readonly httpEndpoint?: "enabled" | "disabled"
  /** GET on the token path: "405" (default) or "issue" (answered as the PUT). */
  readonly tokenGet?: "405" | "issue"
  /** The address requests appear to come from (which instance answers); default 127.0.0.1, an unmatched peer. */
  readonly peer?: string
  readonly identity?: IdentityPem
  readonly behaviour?: Partial<DataPlaneBehaviour>
  /** Default "silent"; log lines go to stderr. */
  readonly logLevel?: LogLevel
}

export interface Imds {
  /** Pass to msw: `setupServer(...imds.handlers)`. */
  readonly handlers: ReadonlyArray<HttpHandler>
  readonly origin: string
  readonly admin: AdminClient
  /** The admin API as Promises, for tests that do not use Effect. */
  readonly call: <K extends OperationId>(id: K, ...input: AdminArgs<K>) => Promise<AdminOutput<K>>
  readonly defaultInstanceId: string
  /** The core services (virtual clock, journal, counters…), as the server's `startServer` exposes them. */
  readonly services: CoreServices
  /** Releases held requests and disposes the services. */
  readonly dispose: () => Promise<void>
}

export const createImds = async (options: ImdsOptions = {}): Promise<Imds> => {
  const origin = (options.origin ?? "http://100.100.100.200").replace(/\/+$/, "")
  const source = fleetSource(options)
  const fleet = await source.load()
  const { runtime, services } = await buildServices({ fleet, identity: options.identity })
  const log = makeLogger(
    options.logLevel ?? "silent",
    (line) => process.stderr.write(`${line}\n`),
    services.clock.nowUnsafe
  )
  const holds = new Holds()
  const pipeline = makePipeline({
    services,
    behaviour: { ...defaultBehaviour, ...options.behaviour },
    log,
    holds,
    attribute: "off",
    ...(options.tokenGet === undefined ? {} : { tokenGet: options.tokenGet })
  })
  const serve = fetchAdapter(pipeline)
  const peer: Peer = { address: options.peer ?? "127.0.0.1", port: 0 }
  const adminApp = makeAdminApp({
    runtime,
    services,
    source,
    log,
    token: null,
    platformName: "msw",
    dataUrl: () => origin,
    ecsUrl: () => null
  })
  // The typed admin client over the admin app's own fetch: the same contract, validation and handlers as the listener.
  const adminFetch = ((input: RequestInfo | URL, init?: RequestInit) =>
    Promise.resolve(adminApp.fetch(new Request(input, init)))) as typeof globalThis.fetch
  const client = makeAdminClient(Effect.runSync(Effect.provide(HttpClient.HttpClient, FetchHttpClient.layer)), {
    url: "http://admin.aliyun-imds.invalid"
  })
  const admin: AdminClient = {
    url: client.url,
    call: ((...args: Parameters<AdminClient["call"]>) =>
      Effect.provideService(client.call(...args), FetchHttpClient.Fetch, adminFetch)) as AdminClient["call"]
  }
  const call: Imds["call"] = (id, ...input) => Effect.runPromise(admin.call(id, ...input))
  return {
    handlers: [http.all(`${origin}/*`, ({ request }) => serve(request, peer))],
    origin,
    admin,
    call,
    defaultInstanceId: fleet.defaultInstanceId,
    services,
    dispose: async () => {
      holds.releaseAll()
      await runtime.dispose()
    }
  }
}
