// Node: drives the data pipeline straight from node:http — no Request/Response objects, headers read from the
// parser's rawHeaders, the reply written with one writeHead/end — which is most of the data plane's cost on Node.
import type { IncomingMessage, RequestListener, ServerResponse } from "node:http"
import { type Pipeline, type Reply, type RequestIo, statusReply } from "../data/Reply.ts"
import { nodeTarget } from "./nodeTarget.ts"

/** One request: what node:http hands over, plus its target once validated. */
interface Exchange {
  readonly req: IncomingMessage
  readonly res: ServerResponse
  readonly url: string
}

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

const signals = new WeakMap<Exchange, AbortSignal>()

/** Aborted when the connection closes before the reply is written (the client went away). */
const signal = (ex: Exchange): AbortSignal => {
  let found = signals.get(ex)
  if (found === undefined) {
    const controller = new AbortController()
    ex.res.once("close", () => {
      if (!ex.res.writableFinished) controller.abort()
    })
    found = controller.signal
    signals.set(ex, found)
  }
  return found
}

const io: RequestIo<Exchange> = {
  method: (ex) => ex.req.method ?? "GET",
  url: (ex) => ex.url,
  peer: (ex) => ({ address: ex.req.socket.remoteAddress ?? "", port: ex.req.socket.remotePort ?? 0 }),
  header: (ex, name) => rawHeader(ex.req, name),
  signal
}

const send = (pipeline: Pipeline, { req, res }: Exchange, reply: Reply): void => {
  if (res.destroyed) return
  if (reply.status === 0) {
    req.socket.resetAndDestroy()
    return
  }
  const body = reply.body
  const length = typeof body === "string" ? Buffer.byteLength(body) : body.byteLength
  const headers = ["content-type", reply.contentType ?? pipeline.contentType(), "content-length", String(length)]
  if (reply.extra !== null) headers.push(...reply.extra)
  if (pipeline.serverHeader !== null) headers.push("server", pipeline.serverHeader)
  res.writeHead(reply.status, headers)
  if (req.method === "HEAD") res.end()
  else res.end(body)
}

/** A bug in the pipeline answers 500, as Hono's default error handler did. */
const fail = (pipeline: Pipeline, ex: Exchange, error: unknown): void => {
  console.error(error)
  if (!ex.res.headersSent) send(pipeline, ex, statusReply(500))
}

/**
 * A body sent with Transfer-Encoding can still turn out malformed: reply once the parser has read all of it, so a
 * framing error gets the listener's plain 400 rather than a reply followed by a reset (as with the Hono adapter).
 */
const deliver = (pipeline: Pipeline, ex: Exchange, reply: Reply): void => {
  if (rawHeader(ex.req, "transfer-encoding") === null) send(pipeline, ex, reply)
  else {
    ex.req.once("end", () => send(pipeline, ex, reply))
    ex.req.resume()
  }
}

export const nodeDataHandler =
  (pipeline: Pipeline, listenHost: string): RequestListener =>
  (req, res) => {
    const url = nodeTarget(req.url ?? "", rawHeader(req, "host", true) || listenHost)
    if (url === null) {
      // What the Hono adapter answers to a target or Host it cannot turn into a URL: a bare 400.
      res.writeHead(400)
      res.end()
      return
    }
    const ex: Exchange = { req, res, url }
    try {
      const reply = pipeline.handle(io, ex)
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
