// Bun: the peer comes from `server.requestIP`; a connection is dropped by answering with a body stream that fails.
import { droppedResponse } from "./bunData.ts"
import type { Platform } from "./Platform.ts"

export interface BunServerLike {
  requestIP(request: Request): { address: string; port: number } | null
}

export interface BunBindings {
  readonly server: BunServerLike
}

export const bunPlatform: Platform = {
  name: "bun",
  peer: (c) => {
    const ip = (c.env as BunBindings).server.requestIP(c.req.raw)
    return ip ? { address: ip.address, port: ip.port } : { address: "", port: 0 }
  },
  reset: droppedResponse
}
