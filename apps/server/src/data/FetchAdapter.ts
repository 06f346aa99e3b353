// The request port spoken over Fetch's Request and Response: Hono's app.fetch (in-process callers and tests), the Bun
// listener and msw handlers. The caller names the peer and, if it can tell, the calling process (Bun can; an
// in-process call has no connection to look up, so its requests are "unsupported"); how a dropped connection looks is
// the caller's too (a network-error Response by default, a failing body stream on Bun).
import type { CallerProcess, ProcessMiss } from "@aliyun-imds/core"
import { errorStatus } from "../ErrorStatus.ts"
import type { MetadataReply, MetadataRequest, Peer, Pipeline, RuleHeader } from "./MetadataRequest.ts"
import { statusReply, toResponse } from "./Reply.ts"

/** The peer itself, or how to find it for a request (asked once, only when the pipeline needs it). */
export type PeerOf = Peer | ((request: Request) => Peer)

/** How to find the process that sent a request (asked only when the attribution policy wants it). */
export type CallerOf = (request: Request) => CallerProcess | ProcessMiss | Promise<CallerProcess | ProcessMiss>

class FetchMetadataRequest implements MetadataRequest {
  protected readonly request: Request
  private readonly peerOf: PeerOf

  constructor(request: Request, peerOf: PeerOf) {
    this.request = request
    this.peerOf = peerOf
  }

  get method(): string {
    return this.request.method
  }

  get target(): string {
    return this.request.url
  }

  get peer(): Peer {
    return typeof this.peerOf === "function" ? this.peerOf(this.request) : this.peerOf
  }

  header(name: RuleHeader): string | null {
    return this.request.headers.get(name)
  }

  get signal(): AbortSignal {
    return this.request.signal
  }
}

class AttributedFetchRequest extends FetchMetadataRequest {
  private readonly callerOf: CallerOf

  constructor(request: Request, peerOf: PeerOf, callerOf: CallerOf) {
    super(request, peerOf)
    this.callerOf = callerOf
  }

  caller(): CallerProcess | ProcessMiss | Promise<CallerProcess | ProcessMiss> {
    return this.callerOf(this.request)
  }
}

/** Answers a Request through the pipeline; a bug in the pipeline answers 500, as a framework's error handler would. */
export const fetchAdapter = (
  pipeline: Pipeline,
  drop: () => Response = () => Response.error(),
  callerOf?: CallerOf
) => {
  const respond = (request: Request, reply: MetadataReply): Response =>
    reply._tag === "Drop" ? drop() : toResponse(pipeline, reply, request.method)
  const fail = (request: Request, error: unknown): Response => {
    console.error(error)
    return respond(request, statusReply(errorStatus.InternalError))
  }
  return (request: Request, peer: PeerOf): Response | Promise<Response> => {
    try {
      const reply = pipeline.handle(
        callerOf === undefined
          ? new FetchMetadataRequest(request, peer)
          : new AttributedFetchRequest(request, peer, callerOf)
      )
      if (!(reply instanceof Promise)) return respond(request, reply)
      return reply.then(
        (r) => respond(request, r),
        (e) => fail(request, e)
      )
    } catch (error) {
      return fail(request, error)
    }
  }
}
