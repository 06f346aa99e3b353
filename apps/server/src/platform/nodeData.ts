// Node: node:http drives the pipeline through the request port directly — no Request/Response objects, headers read
// from the parser's rawHeaders, the reply written with one writeHead/end — which is most of the data plane's cost.
// The calling process is looked up from the socket's two ends, once per socket.
import type { IncomingMessage, RequestListener, ServerResponse } from "node:http"
import type { MetadataReply, MetadataRequest, Peer, Pipeline, RuleHeader } from "../data/MetadataRequest.ts"
import { statusReply } from "../data/Reply.ts"
import { errorStatus } from "../ErrorStatus.ts"
import { perSocket } from "./callerCache.ts"
import { nodeTarget } from "./nodeTarget.ts"
import { type Found, makeProcessLookup, type ProcessLookup } from "./processOfPeer.ts"

type Callers = ReturnType<typeof perSocket>

const isOws = (code: number): boolean => code === 32 || code === 9

/**
 * Fetch semantics, as the Hono adapter gave them: repeated headers joined with ", ", outer blanks trimmed
 * (`first` keeps only the first, as Node does for Host).
 */
const rawHeader = (req: IncomingMessage, name: string, first = false): string | null => {
  const raw = req.rawHeaders
  let value: string | null = null
  for (let i = 0; i < raw.length; i += 2) {
    const key = raw[i]!
    if (key.length !== name.length || (key !== name && key.toLowerCase() !== name)) continue
    let v = raw[i + 1]!
    if (v.length > 0 && (isOws(v.charCodeAt(0)) || isOws(v.charCodeAt(v.length - 1)))) v = v.trim()
    if (first) return v
    value = value === null ? v : `${value}, ${v}`
  }
  return value
}

/** One request as node:http hands it over, with its target once validated, seen through the request port. */
class NodeMetadataRequest implements MetadataRequest {
  readonly req: IncomingMessage
  readonly res: ServerResponse
  readonly target: string
  private readonly callers: Callers
  private abort: AbortController | undefined

  constructor(req: IncomingMessage, res: ServerResponse, target: string, callers: Callers) {
    this.req = req
    this.res = res
    this.target = target
    this.callers = callers
  }

  get method(): string {
    return this.req.method ?? "GET"
  }

  get peer(): Peer {
    return { address: this.req.socket.remoteAddress ?? "", port: this.req.socket.remotePort ?? 0 }
  }

  header(name: RuleHeader): string | null {
    return rawHeader(this.req, name)
  }

  caller(): Found | Promise<Found> {
    const socket = this.req.socket
    return this.callers(socket, () => ({
      local: { address: socket.localAddress ?? "", port: socket.localPort ?? 0 },
      remote: { address: socket.remoteAddress ?? "", port: socket.remotePort ?? 0 }
    }))
  }

  /** Aborted when the connection closes before the reply is written (the client went away). */
  get signal(): AbortSignal {
    if (this.abort === undefined) {
      const controller = new AbortController()
      this.res.once("close", () => {
        if (!this.res.writableFinished) controller.abort()
      })
      this.abort = controller
    }
    return this.abort.signal
  }
}

const send = (pipeline: Pipeline, { req, res }: NodeMetadataRequest, reply: MetadataReply): void => {
  if (res.destroyed) return
  if (reply._tag === "Drop") {
    req.socket.resetAndDestroy()
    return
  }
  const body = reply.body
  const length = typeof body === "string" ? Buffer.byteLength(body) : body.byteLength
  const headers = ["content-type", reply.contentType ?? pipeline.contentType(), "content-length", String(length)]
  if (reply.headers !== null) headers.push(...reply.headers)
  if (pipeline.serverHeader !== null) headers.push("server", pipeline.serverHeader)
  res.writeHead(reply.status, headers)
  if (req.method === "HEAD") res.end()
  else res.end(body)
}

/** A bug in the pipeline answers 500, as Hono's default error handler did. */
const fail = (pipeline: Pipeline, ex: NodeMetadataRequest, error: unknown): void => {
  console.error(error)
  if (!ex.res.headersSent) send(pipeline, ex, statusReply(errorStatus.InternalError))
}

/**
 * A body sent with Transfer-Encoding can still turn out malformed: reply once the parser has read all of it, so a
 * framing error gets the listener's plain 400 rather than a reply followed by a reset (as with the Hono adapter).
 */
const deliver = (pipeline: Pipeline, ex: NodeMetadataRequest, reply: MetadataReply): void => {
  if (rawHeader(ex.req, "transfer-encoding") === null) send(pipeline, ex, reply)
  else {
    ex.req.once("end", () => send(pipeline, ex, reply))
    ex.req.resume()
  }
}

export const nodeDataHandler = (
  pipeline: Pipeline,
  listenHost: string,
  lookup: ProcessLookup = makeProcessLookup()
): RequestListener => {
  const callers = perSocket(lookup)
  return (req, res) => {
    const url = nodeTarget(req.url ?? "", rawHeader(req, "host", true) || listenHost)
    if (url === null) {
      // What the Hono adapter answers to a target or Host it cannot turn into a URL: a bare 400.
      res.writeHead(errorStatus.BadRequestTarget)
      res.end()
      return
    }
    const ex = new NodeMetadataRequest(req, res, url, callers)
    try {
      const reply = pipeline.handle(ex)
      if (reply instanceof Promise) {
        reply.then(
          (r) => deliver(pipeline, ex, r),
          (e) => fail(pipeline, ex, e)
        )
      } else deliver(pipeline, ex, reply)
    } catch (error) {
      fail(pipeline, ex, error)
    }
  }
}
