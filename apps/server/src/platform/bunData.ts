// Bun: Bun.serve's fetch drives the pipeline through the Fetch adapter; the peer comes from `server.requestIP`, and a
// dropped connection is a response whose body stream fails. The calling process is looked up from the peer's address
// and port and the listener's own (Bun shows no socket, so the answer is kept per peer for a moment: callerCache.ts).
import { fetchAdapter } from "../data/FetchAdapter.ts"
import type { Peer, Pipeline } from "../data/MetadataRequest.ts"
import { perPeer } from "./callerCache.ts"
import { makeProcessLookup, type ProcessLookup } from "./processOfPeer.ts"

export interface BunServerLike {
  readonly port: number
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

export const bunDataHandler = (pipeline: Pipeline, host: string, lookup: ProcessLookup = makeProcessLookup()) => {
  const callers = perPeer(lookup)
  let server: BunServerLike | undefined
  const peerOf = (request: Request): Peer => server?.requestIP(request) ?? noPeer
  const serve = fetchAdapter(pipeline, droppedResponse, (request) =>
    callers({ local: { address: host, port: server?.port ?? 0 }, remote: peerOf(request) })
  )
  return (request: Request, bun: BunServerLike): Response | Promise<Response> => {
    server ??= bun
    return serve(request, peerOf)
  }
}
