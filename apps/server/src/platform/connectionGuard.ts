// Puts ConnectionLimits on a node:http server, on Node and on Bun alike (Bun's node:http shows every accepted socket,
// which Bun.serve does not): a deadline per connection for its next complete request head, and a cap on open
// connections. Only accepting a socket, a request head being complete and a response being done are observed, so the
// rules below read the same on both runtimes; the runtimes' own timeouts are turned off in their favour.
import type { IncomingMessage, Server, ServerResponse } from "node:http"
import type { Socket } from "node:net"
import type { ConnectionLimits } from "../ConnectionLimits.ts"

interface Tracked {
  readonly socket: Socket
  /** Requests whose head has arrived and whose response is not done: while any is, no deadline applies. */
  inFlight: number
  /** When the connection is closed unless a complete request head has arrived (ms, performance.now()). */
  deadline: number
  readonly done: () => void
}

/** How often deadlines are checked: a tenth of the shorter timeout, between 25 ms and 1 s. */
const sweepInterval = (limits: ConnectionLimits): number =>
  Math.min(1000, Math.max(25, Math.min(limits.headerTimeoutMs, limits.keepAliveTimeoutMs) / 10))

export interface ConnectionGuard {
  /** Open connections now. */
  readonly open: () => number
}

export const guardConnections = (server: Server, limits: ConnectionLimits): ConnectionGuard => {
  // Oldest first: a Map iterates in insertion order.
  const tracked = new Map<Socket, Tracked>()
  server.keepAliveTimeout = 0
  server.headersTimeout = 0
  server.requestTimeout = 0

  /** The oldest connection not answering a request (idle, or still sending its head), if any. */
  const evictable = (): Tracked | undefined => {
    for (const entry of tracked.values()) if (entry.inFlight === 0) return entry
    return undefined
  }

  server.on("connection", (socket: Socket) => {
    if (tracked.size >= limits.maxConnections) {
      const oldest = evictable()
      if (oldest === undefined) {
        socket.destroy()
        return
      }
      tracked.delete(oldest.socket)
      oldest.socket.destroy()
    }
    const entry: Tracked = {
      socket,
      inFlight: 0,
      deadline: performance.now() + limits.headerTimeoutMs,
      done: () => {
        entry.inFlight -= 1
        if (entry.inFlight === 0) entry.deadline = performance.now() + limits.keepAliveTimeoutMs
      }
    }
    tracked.set(socket, entry)
    socket.once("close", () => {
      if (tracked.get(socket) === entry) tracked.delete(socket)
    })
  })

  server.on("request", (req: IncomingMessage, res: ServerResponse) => {
    const entry = tracked.get(req.socket as Socket)
    if (entry === undefined) return
    entry.inFlight += 1
    entry.deadline = Number.POSITIVE_INFINITY
    res.once("close", entry.done)
  })

  const sweep = setInterval(() => {
    const now = performance.now()
    for (const entry of tracked.values()) {
      if (entry.deadline <= now) {
        tracked.delete(entry.socket)
        entry.socket.destroy()
      }
    }
  }, sweepInterval(limits))
  sweep.unref()
  server.once("close", () => clearInterval(sweep))
  return { open: () => tracked.size }
}
