// Bun: Bun.serve's fetch drives the pipeline through the Fetch adapter; the peer comes from `server.requestIP`, and a
// dropped connection is a response whose body stream fails.
import { fetchAdapter } from "../data/FetchAdapter.ts"
import type { Peer, Pipeline } from "../data/MetadataRequest.ts"

export interface BunServerLike {
  requestIP(request: Request): { address: string; port: number } | null
}

const noPeer: Peer = { address: "", port: 0 }

export const droppedResponse = (): Response =>
  new Response(
    new ReadableStream({
      // No reason on purpose: Bun prints an Error reason's stack to stderr, which would break the JSON-lines log.
      start: (controller) => controller.error()
    }),
    { status: 200 }
  )

export const bunDataHandler = (pipeline: Pipeline) => {
  const serve = fetchAdapter(pipeline, droppedResponse)
  let peerOf: ((request: Request) => Peer) | undefined
  return (request: Request, server: BunServerLike): Response | Promise<Response> => {
    peerOf ??= (r) => server.requestIP(r) ?? noPeer
    return serve(request, peerOf)
  }
}
