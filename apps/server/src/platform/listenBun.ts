// Bun listener via Bun.serve; the server object is handed to handlers as `env.server` (see platform/bun.ts).
import type { BunServerLike } from "./bun.ts"
import { bunDataHandler } from "./bunData.ts"
import { type FetchHandler, type Listener, pipelineOf } from "./Listener.ts"

interface BunServer extends BunServerLike {
  readonly port: number
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

export const listenBun = async (handler: FetchHandler, host: string, port: number): Promise<Listener> => {
  const bun = (globalThis as unknown as { Bun: BunGlobal }).Bun
  const pipeline = pipelineOf(handler)
  // The data plane's pipeline runs on Bun.serve directly; any other app goes through its fetch.
  const fetch =
    pipeline === undefined
      ? (request: Request, srv: BunServer) => handler(request, { server: srv })
      : bunDataHandler(pipeline)
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
