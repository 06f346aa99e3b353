// A started listener, and the two kinds a runtime can start: the data plane (the pipeline driven natively through the
// request port) and any Fetch handler (the admin app).
import type { Pipeline } from "../data/MetadataRequest.ts"

export interface Listener {
  readonly host: string
  readonly port: number
  /** Stops accepting, lets in-flight requests finish, closes idle keep-alive connections. */
  readonly close: () => Promise<void>
}

export type FetchHandler = (request: Request) => Response | Promise<Response>

export interface RuntimeListeners {
  readonly name: "node" | "bun"
  readonly data: (pipeline: Pipeline, host: string, port: number) => Promise<Listener>
  readonly fetch: (handler: FetchHandler, host: string, port: number) => Promise<Listener>
}

/** `http://host:port` with IPv6 hosts bracketed. */
export const urlOf = (host: string, port: number): string => `http://${host.includes(":") ? `[${host}]` : host}:${port}`
