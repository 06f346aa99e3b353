// One process lookup per connection, shared by every request on it. Node keys the answer by the request's socket, so
// it is forgotten with the socket. Bun shows no socket, only the peer's address and port: its answers are kept for
// half a second, shorter than the one second before Linux lets a closed connection's address and port be reused
// from loopback (tcp_tw_reuse), so a later connection from another process is never given this one's answer.
import type { Connection, Found, ProcessLookup } from "./processOfPeer.ts"

/** Keeps `found`'s answer once known; a lookup that fails anyway counts as "not-found". */
const settle = (found: Found | Promise<Found>, keep: (answer: Found) => void): Found | Promise<Found> =>
  found instanceof Promise
    ? found.then(
        (answer) => {
          keep(answer)
          return answer
        },
        (): Found => {
          keep("not-found")
          return "not-found"
        }
      )
    : found

/** The caller of a request on `socket`, looked up the first time only. */
export const perSocket = (lookup: ProcessLookup) => {
  const known = new WeakMap<object, Found | Promise<Found>>()
  return (socket: object, connection: () => Connection): Found | Promise<Found> => {
    const cached = known.get(socket)
    if (cached !== undefined) return cached
    const found = settle(lookup(connection()), (answer) => known.set(socket, answer))
    known.set(socket, found)
    return found
  }
}

export interface PeerCacheOptions {
  readonly ttlMs?: number
  /** Peers remembered before the cache starts over. */
  readonly capacity?: number
  /** Milliseconds on any monotonic clock. */
  readonly now?: () => number
}

/** The caller of a request from `connection.remote`, looked up again once its answer is `ttlMs` old. */
export const perPeer = (lookup: ProcessLookup, options: PeerCacheOptions = {}) => {
  const ttlMs = options.ttlMs ?? 500
  const capacity = options.capacity ?? 4096
  const now = options.now ?? (() => performance.now())
  const known = new Map<string, { found: Found | Promise<Found>; readonly until: number }>()
  return (connection: Connection): Found | Promise<Found> => {
    const key = `${connection.remote.address} ${connection.remote.port}`
    const at = now()
    const cached = known.get(key)
    if (cached !== undefined && at < cached.until) return cached.found
    if (known.size >= capacity) known.clear()
    const entry: { found: Found | Promise<Found>; readonly until: number } = { found: "not-found", until: at + ttlMs }
    entry.found = settle(lookup(connection), (answer) => {
      entry.found = answer
    })
    known.set(key, entry)
    return entry.found
  }
}
