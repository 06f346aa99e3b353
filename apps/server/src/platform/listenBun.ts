// Bun listeners via Bun.serve: the data plane through the Fetch adapter with Bun's peer and drop, or any Fetch handler
// (on TCP or a Unix socket).
import type { Pipeline } from "../data/MetadataRequest.ts"
import { type BunServerLike, bunDataHandler } from "./bunData.ts"
import { type Bind, type FetchHandler, type Listener, type RuntimeListeners, urlOf } from "./Listener.ts"
import { prepareSocketPath, removeSocketPath, restrictSocketPath } from "./unixSocket.ts"

interface BunServer extends BunServerLike {
  stop(closeActiveConnections?: boolean): Promise<void>
}

interface BunGlobal {
  serve(options: {
    hostname?: string
    port?: number
    unix?: string
    idleTimeout: number
    fetch: (request: Request, server: BunServer) => Response | Promise<Response>
    error?: (error: Error) => Response
  }): BunServer
}

export const isBun = (): boolean => typeof (globalThis as { Bun?: unknown }).Bun !== "undefined"

const serve = async (
  fetch: (request: Request, server: BunServer) => Response | Promise<Response>,
  bind: Bind
): Promise<Listener> => {
  const bun = (globalThis as unknown as { Bun: BunGlobal }).Bun
  if ("socket" in bind) await prepareSocketPath(bind.socket)
  const server = bun.serve({
    ...("socket" in bind ? { unix: bind.socket } : { hostname: bind.host, port: bind.port }),
    // Bun's default 10 s idle timeout would cut black holes and injected latency short (Node holds them for as
    // long as the data plane says); Holds bounds every wait and stop() releases them, so none is needed here.
    idleTimeout: 0,
    fetch,
    error: () => new Response("Bad Request", { status: 400 })
  })
  if ("socket" in bind) {
    await restrictSocketPath(bind.socket)
    const close = () => server.stop(false).then(() => removeSocketPath(bind.socket))
    return { url: `unix:${bind.socket}`, host: bind.socket, port: 0, close }
  }
  return { url: urlOf(bind.host, server.port), host: bind.host, port: server.port, close: () => server.stop(false) }
}

export const bunListeners: RuntimeListeners = {
  name: "bun",
  data: (pipeline: Pipeline, bind) =>
    serve(
      "socket" in bind
        ? bunDataHandler(pipeline, "localhost", () => "unsupported")
        : bunDataHandler(pipeline, bind.host),
      bind
    ),
  fetch: (handler: FetchHandler, bind) => serve((request) => handler(request), bind)
}
