// Node listener via node:http (the data plane) or @hono/node-server (the admin app), with graceful close (idle keep-alive sockets closed, in-flight ones finish).

import { createServer, type Server } from "node:http"
import type { AddressInfo, Socket } from "node:net"
import { createAdaptorServer } from "@hono/node-server"
import { type FetchHandler, type Listener, pipelineOf } from "./Listener.ts"
import { nodeDataHandler } from "./nodeData.ts"

/** The data plane's pipeline runs on node:http directly; any other app goes through the Hono adapter. */
const serverFor = (handler: FetchHandler, hostname: string): Server => {
  const pipeline = pipelineOf(handler)
  return pipeline === undefined
    ? (createAdaptorServer({ fetch: handler, hostname }) as Server)
    : createServer(nodeDataHandler(pipeline, hostname))
}

export const listenNode = (handler: FetchHandler, host: string, port: number): Promise<Listener> =>
  new Promise((resolve, reject) => {
    const server = serverFor(handler, host)
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
