// What the data plane answers, whatever runtime writes it: a status, a body and a few headers, or (status 0) an
// instruction to drop the connection. Refusals are built once per status and shared.
import type { AccessError } from "@aliyun-imds/core"
import { errorStatus, textFor } from "../ErrorStatus.ts"
import type { Peer } from "../platform/Platform.ts"

export interface Reply {
  /** 0: drop the connection without answering (a reset fault, a refused endpoint). */
  readonly status: number
  readonly body: string | Uint8Array
  /** null: the fleet's wire content type, which can change on reload, so adapters read it when writing. */
  readonly contentType: string | null
  /** Further headers as flat `name, value` pairs with lower-case names, or null. */
  readonly extra: ReadonlyArray<string> | null
}

/** How a runtime adapter reads one request; `R` is whatever the runtime hands over (no wrapper per request). */
export interface RequestIo<R> {
  readonly method: (raw: R) => string
  /** Absolute URL or origin-form target, undecoded. */
  readonly url: (raw: R) => string
  /** The TCP peer; asked for once per request. */
  readonly peer: (raw: R) => Peer
  /** A header by lower-case name, repeated values joined with ", " (Fetch semantics); null when absent. */
  readonly header: (raw: R, name: string) => string | null
  /** Aborts when the client goes away; only asked for by requests the data plane holds. */
  readonly signal: (raw: R) => AbortSignal
}

export interface Pipeline {
  readonly handle: <R>(io: RequestIo<R>, raw: R) => Reply | Promise<Reply>
  readonly contentType: () => string
  /** `Server` header value, or null for none. */
  readonly serverHeader: string | null
}

export const dropConnection: Reply = { status: 0, body: "", contentType: null, extra: null }

export const healthReply: Reply = {
  status: 200,
  body: '{"status":"ok"}',
  contentType: "application/json",
  extra: null
}

export const ok = (body: string | Uint8Array): Reply => ({ status: 200, body, contentType: null, extra: null })

const plain = new Map<number, Reply>()

/** The short plain-text reply of a status (spec §10.2), built once per status. */
export const statusReply = (status: number): Reply => {
  let reply = plain.get(status)
  if (reply === undefined) {
    reply = { status, body: textFor(status), contentType: null, extra: null }
    plain.set(status, reply)
  }
  return reply
}

export const withHeaders = (reply: Reply, extra: ReadonlyArray<string>): Reply => ({ ...reply, extra })

/** The refusal of an access error: its status and text, plus `Allow` on a 405. */
export const refusal = (error: AccessError): Reply => {
  const reply = statusReply(errorStatus[error._tag])
  return error._tag === "MethodNotAllowed" ? withHeaders(reply, ["allow", error.allow.join(", ")]) : reply
}

const utf8 = new TextEncoder()

/**
 * The common case (no extra header, not HEAD) reuses one Headers object per content type and Server value: a Response copies its
 * init headers, and building them from a Headers is cheaper than from a plain object (~250 ns a request on Bun).
 */
const shared = new Map<string, Headers>()

const commonHeaders = (contentType: string, server: string | null): Headers => {
  const key = server === null ? contentType : `${contentType}\n${server}`
  let headers = shared.get(key)
  if (headers === undefined) {
    headers = new Headers({ "content-type": contentType, ...(server === null ? {} : { server }) })
    if (shared.size > 16) shared.clear()
    shared.set(key, headers)
  }
  return headers
}

/** A reply as a Fetch Response (Bun, in-process); HEAD announces the length the GET would send, with no body. */
export const toResponse = (pipeline: Pipeline, reply: Reply, method: string): Response => {
  const contentType = reply.contentType ?? pipeline.contentType()
  if (reply.extra === null && method !== "HEAD") {
    const headers = commonHeaders(contentType, pipeline.serverHeader)
    return new Response(reply.body as BodyInit, { status: reply.status, headers })
  }
  const headers: Record<string, string> = { "content-type": contentType }
  const extra = reply.extra
  if (extra !== null) for (let i = 0; i < extra.length; i += 2) headers[extra[i]!] = extra[i + 1]!
  if (pipeline.serverHeader !== null) headers.server = pipeline.serverHeader
  if (method !== "HEAD") return new Response(reply.body as BodyInit, { status: reply.status, headers })
  const body = reply.body
  headers["content-length"] = String(typeof body === "string" ? utf8.encode(body).length : body.length)
  return new Response(null, { status: reply.status, headers })
}
