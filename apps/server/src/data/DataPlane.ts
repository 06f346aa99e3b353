// The metadata listener as a Hono app over the runtime-neutral pipeline (Pipeline.ts). In-process callers and tests
// use `app.request`; real listeners find the pipeline on `app.fetch` and drive it natively (platform/*Data.ts).
import type { Context } from "hono"
import { Hono } from "hono"
import type { Logger } from "../Log.ts"
import { withPipeline } from "../platform/Listener.ts"
import type { Platform } from "../platform/Platform.ts"
import type { DataPlaneBehaviour } from "../ServerOptions.ts"
import type { CoreServices } from "../Services.ts"
import type { Holds } from "./Holds.ts"
import { makePipeline } from "./Pipeline.ts"
import { type Reply, type RequestIo, toResponse } from "./Reply.ts"

export interface DataPlaneDeps {
  readonly services: CoreServices
  readonly behaviour: DataPlaneBehaviour
  readonly platform: Platform
  readonly log: Logger
  readonly holds: Holds
}

/** Reads a Hono context; the platform supplies the peer. */
const contextIo = (platform: Platform): RequestIo<Context> => ({
  method: (c) => c.req.method,
  url: (c) => c.req.url,
  peer: (c) => platform.peer(c),
  header: (c, name) => c.req.raw.headers.get(name),
  signal: (c) => c.req.raw.signal
})

export const makeDataApp = (deps: DataPlaneDeps): Hono => {
  const pipeline = makePipeline(deps)
  const io = contextIo(deps.platform)
  const respond = (c: Context, reply: Reply): Response =>
    reply.status === 0 ? deps.platform.reset(c) : toResponse(pipeline, reply, c.req.method)
  const app = new Hono().all("*", (c): Response | Promise<Response> => {
    const reply = pipeline.handle(io, c)
    return reply instanceof Promise ? reply.then((r) => respond(c, r)) : respond(c, reply)
  })
  app.fetch = withPipeline(app.fetch, pipeline)
  return app
}
