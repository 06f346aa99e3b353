// Node: the peer and the socket come from @hono/node-server's bindings (`c.env.incoming`).
import type { HttpBindings } from "@hono/node-server"
import type { Platform } from "./Platform.ts"

export const nodePlatform: Platform = {
  name: "node",
  peer: (c) => {
    const socket = (c.env as HttpBindings).incoming.socket
    return { address: socket.remoteAddress ?? "", port: socket.remotePort ?? 0 }
  },
  reset: (c) => {
    ;(c.env as HttpBindings).incoming.socket.resetAndDestroy()
    return new Response(null, { status: 500 })
  }
}
