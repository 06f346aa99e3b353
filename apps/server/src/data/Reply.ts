// The answers the data plane builds, shared across requests: a refusal per status (spec §10.2 texts, built once),
// 200s, the health answer and the drop; and an answer as a Fetch Response for the adapters that speak Fetch.
import type { AccessError } from "@aliyun-imds/core"
import { errorStatus, textFor } from "../ErrorStatus.ts"
import type { Answer, Drop, MetadataReply, Pipeline } from "./MetadataRequest.ts"

export const dropConnection: Drop = { _tag: "Drop" }

export const healthReply: Answer = {
  _tag: "Answer",
  status: 200,
  body: '{"status":"ok"}',
  contentType: "application/json",
  headers: null
}

export const ok = (body: string | Uint8Array): Answer => ({
  _tag: "Answer",
  status: 200,
  body,
  contentType: null,
  headers: null
})

const plain = new Map<number, Answer>()

/** The short plain-text answer of a status, built once per status. */
export const statusReply = (status: number): Answer => {
  let reply = plain.get(status)
  if (reply === undefined) {
    reply = { _tag: "Answer", status, body: textFor(status), contentType: null, headers: null }
    plain.set(status, reply)
  }
  return reply
}

export const withHeaders = (reply: Answer, headers: ReadonlyArray<string>): Answer => ({ ...reply, headers })

/** The refusal of an access error: its status and text, plus `Allow` on a 405. */
export const refusal = (error: AccessError): Answer => {
  const reply = statusReply(errorStatus[error._tag])
  return error._tag === "MethodNotAllowed" ? withHeaders(reply, ["allow", error.allow.join(", ")]) : reply
}

/** The status a reply is journaled with: 0 for a dropped connection. */
export const statusOf = (reply: MetadataReply): number => (reply._tag === "Drop" ? 0 : reply.status)

const utf8 = new TextEncoder()

/**
 * The common case (no extra header, not HEAD) reuses one Headers object per content type and Server value: a Response
 * copies its init headers, and building them from a Headers is cheaper than from a plain object (~250 ns on Bun).
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

/** An answer as a Fetch Response; HEAD announces the length the GET would send, with no body. */
export const toResponse = (pipeline: Pipeline, reply: Answer, method: string): Response => {
  const contentType = reply.contentType ?? pipeline.contentType()
  if (reply.headers === null && method !== "HEAD") {
    const headers = commonHeaders(contentType, pipeline.serverHeader)
    return new Response(reply.body as BodyInit, { status: reply.status, headers })
  }
  const headers: Record<string, string> = { "content-type": contentType }
  const extra = reply.headers
  if (extra !== null) for (let i = 0; i < extra.length; i += 2) headers[extra[i]!] = extra[i + 1]!
  if (pipeline.serverHeader !== null) headers.server = pipeline.serverHeader
  if (method !== "HEAD") return new Response(reply.body as BodyInit, { status: reply.status, headers })
  const body = reply.body
  headers["content-length"] = String(typeof body === "string" ? utf8.encode(body).length : body.length)
  return new Response(null, { status: reply.status, headers })
}
