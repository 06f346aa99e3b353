// One process lookup per connection, shared by every request on it: the answer is keyed by the request's socket (on
// Node and on Bun, both served through a node:http listener), so it is forgotten with the socket.
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
