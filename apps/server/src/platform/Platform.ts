// What the data plane needs from the runtime that owns the socket: the TCP peer, and a way to drop a connection.
// Node and Bun implement it in their own files; in-process tests (`app.request`) use `testPlatform`.
import type { Context } from "hono"

export interface Peer {
  readonly address: string
  readonly port: number
}

export interface Platform {
  readonly name: "node" | "bun" | "test"
  readonly peer: (c: Context) => Peer
  /** Drops the connection without an HTTP response (a fault, or a refused endpoint); returns what Hono should return. */
  readonly reset: (c: Context) => Response
}

/** Bindings accepted by `testPlatform`: `app.request(path, init, { peer: { address: "127.0.0.2", port: 1 } })`. */
export interface TestBindings {
  readonly peer?: Peer
}

export class ConnectionReset extends Error {
  override readonly name = "ConnectionReset"
}

const loopback: Peer = { address: "127.0.0.1", port: 0 }

export const testPlatform: Platform = {
  name: "test",
  peer: (c) => (c.env as TestBindings | undefined)?.peer ?? loopback,
  reset: () => {
    throw new ConnectionReset("connection reset by fault injection")
  }
}
