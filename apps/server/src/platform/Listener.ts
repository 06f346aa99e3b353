// A started listener, and the two kinds a runtime can start: the data plane (the pipeline driven natively through the
// request port) and any Fetch handler (the admin app).
import type { ConnectionLimits } from "../ConnectionLimits.ts"
import type { Pipeline } from "../data/MetadataRequest.ts"

/** Where a Fetch listener binds: a TCP address and port (0 picks a free one), or a Unix socket's path. */
export type Bind = { readonly host: string; readonly port: number } | { readonly socket: string }

export interface Listener {
  /** `http://host:port`, or `unix:PATH` for a Unix socket. */
  readonly url: string
  readonly host: string
  /** The bound port; 0 on a Unix socket. */
  readonly port: number
  /** Stops accepting, lets in-flight requests finish, closes idle keep-alive connections. */
  readonly close: () => Promise<void>
}

export type FetchHandler = (request: Request) => Response | Promise<Response>

export interface RuntimeListeners {
  readonly name: "node" | "bun"
  /** On a Unix socket the client has no address: it is an unmatched peer (the fleet's default instance). */
  readonly data: (pipeline: Pipeline, bind: Bind, limits: ConnectionLimits) => Promise<Listener>
  readonly fetch: (handler: FetchHandler, bind: Bind, limits: ConnectionLimits) => Promise<Listener>
}

/** `http://host:port` with IPv6 hosts bracketed. */
export const urlOf = (host: string, port: number): string => `http://${host.includes(":") ? `[${host}]` : host}:${port}`
