// A started listener, whatever runtime owns the socket.
import type { Pipeline } from "../data/Reply.ts"

export interface Listener {
  readonly host: string
  readonly port: number
  /** Stops accepting, lets in-flight requests finish, closes idle keep-alive connections. */
  readonly close: () => Promise<void>
}

const pipelineKey = Symbol.for("@aliyun-imds/server/pipeline")

export type FetchHandler = ((request: Request, env: unknown) => Response | Promise<Response>) & {
  /** The data plane's pipeline, which a listener drives natively instead of going through Request/Response. */
  readonly [pipelineKey]?: Pipeline
}

export type Listen = (handler: FetchHandler, host: string, port: number) => Promise<Listener>

/** `fetch` carrying `pipeline` for listeners that can drive it without Fetch objects. */
export const withPipeline = <F extends (...args: never[]) => unknown>(fetch: F, pipeline: Pipeline): F =>
  Object.assign((...args: Parameters<F>) => fetch(...args), { [pipelineKey]: pipeline }) as unknown as F

export const pipelineOf = (handler: FetchHandler): Pipeline | undefined => handler[pipelineKey]

/** `http://host:port` with IPv6 hosts bracketed. */
export const urlOf = (host: string, port: number): string => `http://${host.includes(":") ? `[${host}]` : host}:${port}`
