// What one load run asks for and what it reports, whichever generator runs it.
export interface RequestSpec {
  readonly method: "GET" | "PUT"
  readonly path: string
  readonly headers: Readonly<Record<string, string>>
}

export interface LoadSpec {
  readonly url: string
  readonly connections: number
  /** Upper bound on the run's length. */
  readonly durationSeconds: number
  /** A new TCP connection per request instead of keep-alive. */
  readonly reconnect: boolean
  /** Sent in turn on each connection. */
  readonly requests: ReadonlyArray<RequestSpec>
  /**
   * Token flow: the body of each PUT reply becomes the token header of the GETs after it (on the connection, or the
   * latest one the generator saw), so GETs keep presenting freshly issued tokens.
   */
  readonly chainToken?: boolean
}

export const tokenHeader = "x-aliyun-ecs-metadata-token"

export interface LoadResult {
  readonly requestsPerSecond: number
  readonly p50Ms: number
  readonly p99Ms: number
  readonly requests: number
  /** Socket errors, timeouts and non-2xx responses. */
  readonly errors: number
  /** Of those, the replies whose status was not 2xx. */
  readonly statusErrors: number
}
