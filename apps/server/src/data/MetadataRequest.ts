// The data plane's one request port: what any runtime hands the pipeline — the TCP peer, the method, the raw target,
// the headers the rules read, the client's abort signal and, where the runtime can tell, the calling process — and
// what it gets back: an answer, or "drop the connection". Node, Bun, Hono's app.fetch, in-process tests and msw are
// adapters of this port and nothing else.
import type { CallerProcess, ProcessMiss } from "@aliyun-imds/core"

/** The TCP peer: which instance a request is decided by its source address. */
export interface Peer {
  readonly address: string
  readonly port: number
}

/** The only headers the access rules, the journal and the token route read. */
export type RuleHeader =
  | "x-aliyun-ecs-metadata-token"
  | "x-aliyun-ecs-metadata-token-ttl-seconds"
  | "x-forwarded-for"
  | "user-agent"

export interface MetadataRequest {
  readonly method: string
  /** Origin-form (`/latest/…`) or absolute URL, undecoded. */
  readonly target: string
  /** Asked for once per request. */
  readonly peer: Peer
  /** A header's value (repeated ones joined with ", ", as Fetch does), or null when absent. */
  readonly header: (name: RuleHeader) => string | null
  /** Aborts when the client goes away; asked for only by requests the data plane holds. */
  readonly signal: AbortSignal
  /**
   * The local process at the other end of the connection, or why there is none; asked for only when the attribution
   * policy wants it, before the reply goes out (the client may close right after it). Looked up once per connection,
   * answered at once when already known; the promise never rejects. Absent where a way in cannot tell ("unsupported").
   */
  readonly caller?: () => CallerProcess | ProcessMiss | Promise<CallerProcess | ProcessMiss>
}

/** A response to write: status, body, the content type (null: the fleet's) and further `name, value` header pairs. */
export interface Answer {
  readonly _tag: "Answer"
  readonly status: number
  readonly body: string | Uint8Array
  readonly contentType: string | null
  readonly headers: ReadonlyArray<string> | null
}

/** No response at all: the connection is dropped (a reset fault, a refused endpoint, a black hole's end). */
export interface Drop {
  readonly _tag: "Drop"
}

export type MetadataReply = Answer | Drop

export interface Pipeline {
  readonly handle: (request: MetadataRequest) => MetadataReply | Promise<MetadataReply>
  /** The fleet's wire content type now (it can change on reload), for answers that leave it to the adapter. */
  readonly contentType: () => string
  /** `Server` header value, or null for none. */
  readonly serverHeader: string | null
}
