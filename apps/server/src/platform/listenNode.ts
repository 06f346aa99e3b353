// Node listeners via node:http (the data plane) or @hono/node-server (a Fetch handler), with graceful close (idle
// keep-alive sockets closed, in-flight ones finish).
import { createServer, type Server } from "node:http"
import type { AddressInfo, Socket } from "node:net"
import { createAdaptorServer } from "@hono/node-server"
import type { Pipeline } from "../data/MetadataRequest.ts"
import type { FetchHandler, Listener, RuntimeListeners } from "./Listener.ts"
import { nodeDataHandler } from "./nodeData.ts"

const listen = (server: Server, host: string, port: number): Promise<Listener> =>
  new Promise((resolve, reject) => {
    // Bad request lines, oversized headers and the like get a 400 and a closed socket, never a crash.
    // As Node's default handler does, the 400 goes out only if nothing was written on the socket yet.
    server.on("clientError", (_error, socket) => {
      if (socket.writable && (socket as Socket).bytesWritten === 0) {
        socket.end("HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n", () => socket.destroy())
      } else socket.destroy()
    })
    server.once("error", reject)
    server.listen(port, host, () => {
      server.off("error", reject)
      const address = server.address() as AddressInfo
      resolve({
        host,
        port: address.port,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done())
            server.closeIdleConnections()
          })
      })
    })
  })

export const nodeListeners: RuntimeListeners = {
  name: "node",
  data: (pipeline: Pipeline, host, port) => listen(createServer(nodeDataHandler(pipeline, host)), host, port),
  fetch: (handler: FetchHandler, host, port) =>
    listen(createAdaptorServer({ fetch: handler, hostname: host }) as Server, host, port)
}
