// A started listener, whatever runtime owns the socket.
export interface Listener {
  readonly host: string
  readonly port: number
  /** Stops accepting, lets in-flight requests finish, closes idle keep-alive connections. */
  readonly close: () => Promise<void>
}

export type FetchHandler = (request: Request, env: unknown) => Response | Promise<Response>

export type Listen = (handler: FetchHandler, host: string, port: number) => Promise<Listener>

/** `http://host:port` with IPv6 hosts bracketed. */
export const urlOf = (host: string, port: number): string => `http://${host.includes(":") ? `[${host}]` : host}:${port}`
