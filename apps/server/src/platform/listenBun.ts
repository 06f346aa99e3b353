// Bun listener via Bun.serve; the server object is handed to handlers as `env.server` (see platform/bun.ts).
import type { BunServerLike } from "./bun.ts"
import type { FetchHandler, Listener } from "./Listener.ts"

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
  const server = bun.serve({
    hostname: host,
    port,
    // Bun's default 10 s idle timeout would cut black holes and injected latency short (Node holds them for as
    // long as the data plane says); Holds bounds every wait and stop() releases them, so none is needed here.
    idleTimeout: 0,
    fetch: (request, srv) => handler(request, { server: srv }),
    error: () => new Response("Bad Request", { status: 400 })
  })
  return { host, port: server.port, close: () => server.stop(false) }
}
