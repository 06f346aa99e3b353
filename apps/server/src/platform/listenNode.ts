// Listeners via node:http (the data plane) or @hono/node-server (a Fetch handler, on TCP or a Unix socket), with the
// connection limits (connectionGuard.ts) and graceful close (idle keep-alive sockets closed, in-flight ones finish).
// Bun runs these too, through its node:http: Bun.serve shows no connection, so it could not enforce the limits.
import { createServer, type Server } from "node:http"
import type { AddressInfo, Socket } from "node:net"
import { createAdaptorServer } from "@hono/node-server"
import type { ConnectionLimits } from "../ConnectionLimits.ts"
import type { Pipeline } from "../data/MetadataRequest.ts"
import { guardConnections } from "./connectionGuard.ts"
import { type Bind, type FetchHandler, type Listener, type RuntimeListeners, urlOf } from "./Listener.ts"
import { nodeDataHandler } from "./nodeData.ts"
import { listenPrivately, prepareSocketPath } from "./unixSocket.ts"

const listenOn = (server: Server, at: string | { readonly host: string; readonly port: number }) =>
  new Promise<void>((resolve, reject) => {
    server.once("error", reject)
    const listening = () => {
      server.off("error", reject)
      resolve()
    }
    if (typeof at === "string") server.listen(at, listening)
    else server.listen(at.port, at.host, listening)
  })

const closeServer = (server: Server) =>
  new Promise<void>((done) => {
    server.close(() => done())
    server.closeIdleConnections()
  })

const listen = async (server: Server, bind: Bind, limits: ConnectionLimits): Promise<Listener> => {
  if ("socket" in bind) await prepareSocketPath(bind.socket)
  guardConnections(server, limits)
  // Bad request lines, oversized headers and the like get a 400 and a closed socket, never a crash.
  // As Node's default handler does, the 400 goes out only if nothing was written on the socket yet.
  server.on("clientError", (_error, socket) => {
    if (socket.writable && (socket as Socket).bytesWritten === 0) {
      socket.end("HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n", () => socket.destroy())
    } else socket.destroy()
  })
  if (!("socket" in bind)) {
    await listenOn(server, bind)
    const port = (server.address() as AddressInfo).port
    return { url: urlOf(bind.host, port), host: bind.host, port, close: () => closeServer(server) }
  }
  const published = await listenPrivately(bind.socket, (at) => listenOn(server, at)).catch(async (error: unknown) => {
    if (server.listening) await closeServer(server)
    throw error
  })
  return {
    url: `unix:${bind.socket}`,
    host: bind.socket,
    port: 0,
    close: async () => {
      await closeServer(server)
      await published.remove()
    }
  }
}

export const nodeListeners: RuntimeListeners = {
  name: "node",
  data: (pipeline: Pipeline, bind, limits) =>
    listen(
      createServer(
        "socket" in bind
          ? nodeDataHandler(pipeline, "localhost", () => "unsupported")
          : nodeDataHandler(pipeline, bind.host)
      ),
      bind,
      limits
    ),
  fetch: (handler: FetchHandler, bind, limits) =>
    listen(
      createAdaptorServer({ fetch: handler, hostname: "socket" in bind ? "localhost" : bind.host }) as Server,
      bind,
      limits
    )
}
