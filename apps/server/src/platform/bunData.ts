// Bun: drives the data pipeline straight from Bun.serve's fetch, skipping the router; the peer comes from
// `server.requestIP`, and a dropped connection is a response whose body stream fails.
import { type Pipeline, type Reply, type RequestIo, statusReply, toResponse } from "../data/Reply.ts"
import type { BunServerLike } from "./bun.ts"

const noPeer = { address: "", port: 0 }

const bunIo = (server: BunServerLike): RequestIo<Request> => ({
  method: (request) => request.method,
  url: (request) => request.url,
  peer: (request) => server.requestIP(request) ?? noPeer,
  header: (request, name) => request.headers.get(name),
  signal: (request) => request.signal
})

export const droppedResponse = (): Response =>
  new Response(
    new ReadableStream({
      // No reason on purpose: Bun prints an Error reason's stack to stderr, which would break the JSON-lines log.
      start: (controller) => controller.error()
    }),
    { status: 200 }
  )

export const bunDataHandler = (pipeline: Pipeline) => {
  let io: RequestIo<Request> | undefined
  const respond = (request: Request, reply: Reply): Response =>
    reply.status === 0 ? droppedResponse() : toResponse(pipeline, reply, request.method)
  /** A bug in the pipeline answers 500, as Hono's default error handler does. */
  const fail = (request: Request, error: unknown): Response => {
    console.error(error)
    return respond(request, statusReply(500))
  }
  return (request: Request, server: BunServerLike): Response | Promise<Response> => {
    io ??= bunIo(server)
    try {
      const reply = pipeline.handle(io, request)
      if (!(reply instanceof Promise)) return respond(request, reply)
      return reply.then(
        (r) => respond(request, r),
        (e) => fail(request, e)
      )
    } catch (error) {
      return fail(request, error)
    }
  }
}
