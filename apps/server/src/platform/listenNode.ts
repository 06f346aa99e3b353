// Node listener via @hono/node-server, with graceful close (idle keep-alive sockets closed, in-flight ones finish).

import type { Server } from "node:http"
import type { AddressInfo, Socket } from "node:net"
import { createAdaptorServer } from "@hono/node-server"
import type { FetchHandler, Listener } from "./Listener.ts"

export const listenNode = (handler: FetchHandler, host: string, port: number): Promise<Listener> =>
  new Promise((resolve, reject) => {
    const server = createAdaptorServer({ fetch: handler, hostname: host }) as Server
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
