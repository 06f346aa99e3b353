// The metadata listener as a Hono app over the pipeline, through the Fetch adapter: for in-process callers and tests,
// which name the peer in the bindings (`app.request(path, init, { peer })`). Real listeners drive the pipeline
// natively (platform/nodeData.ts, on Node and on Bun).
import { Hono } from "hono"
import type { Logger } from "../Log.ts"
import type { DataPlaneBehaviour } from "../ServerOptions.ts"
import type { CoreServices } from "../Services.ts"
import { fetchAdapter } from "./FetchAdapter.ts"
import type { Holds } from "./Holds.ts"
import type { Peer } from "./MetadataRequest.ts"
import { makePipeline } from "./Pipeline.ts"

export interface DataPlaneDeps {
  readonly services: CoreServices
  readonly behaviour: DataPlaneBehaviour
  readonly log: Logger
  readonly holds: Holds
}

/** Bindings of an in-process request; the peer defaults to 127.0.0.1. */
export interface DataPlaneBindings {
  readonly peer?: Peer
}

const loopback: Peer = { address: "127.0.0.1", port: 0 }

export const makeDataApp = (deps: DataPlaneDeps): Hono => {
  const serve = fetchAdapter(makePipeline(deps))
  return new Hono().all("*", (c) => serve(c.req.raw, (c.env as DataPlaneBindings | undefined)?.peer ?? loopback))
}
