// Bun listeners via Bun.serve: the data plane through the Fetch adapter with Bun's peer and drop, or any Fetch handler.
import type { Pipeline } from "../data/MetadataRequest.ts"
import { type BunServerLike, bunDataHandler } from "./bunData.ts"
import type { FetchHandler, Listener, RuntimeListeners } from "./Listener.ts"

interface BunServer extends BunServerLike {
  stop(closeActiveConnections?: boolean): Promise<void>
}

interface BunGlobal {
  serve(options: {
    hostname: string
    port: number
    idleTimeout: number
    fetch: (request: Request, server: BunServer) => Response | Promise<Response>
    error?: (error: Error) => Response
  }): BunServer
}

export const isBun = (): boolean => typeof (globalThis as { Bun?: unknown }).Bun !== "undefined"

const serve = async (
  fetch: (request: Request, server: BunServer) => Response | Promise<Response>,
  host: string,
  port: number
): Promise<Listener> => {
  const bun = (globalThis as unknown as { Bun: BunGlobal }).Bun
  const server = bun.serve({
    hostname: host,
    port,
    // Bun's default 10 s idle timeout would cut black holes and injected latency short (Node holds them for as
    // long as the data plane says); Holds bounds every wait and stop() releases them, so none is needed here.
    idleTimeout: 0,
    fetch,
    error: () => new Response("Bad Request", { status: 400 })
  })
  return { host, port: server.port, close: () => server.stop(false) }
}

export const bunListeners: RuntimeListeners = {
  name: "bun",
  data: (pipeline: Pipeline, host, port) => serve(bunDataHandler(pipeline, host), host, port),
  fetch: (handler: FetchHandler, host, port) => serve((request) => handler(request), host, port)
}
