// `fetch` over a Unix socket: what a `unix:PATH` endpoint sends its requests through. node:http (Node and Bun both
// have it) with `socketPath`; the URL's host is only the Host header. The client loads this module on a socket
// endpoint's first request, so one that never names a socket never loads node:http.
import { request as httpRequest, type IncomingMessage } from "node:http"

const toResponse = (res: IncomingMessage, body: Buffer): Response => {
  const headers = new Headers()
  for (let i = 0; i < res.rawHeaders.length; i += 2) headers.append(res.rawHeaders[i]!, res.rawHeaders[i + 1]!)
  const empty = res.statusCode === 204 || res.statusCode === 304
  return new Response(empty ? null : new Uint8Array(body), { status: res.statusCode ?? 502, headers })
}

/** A `fetch` whose every request goes to the Unix socket at `path`. */
export const unixSocketFetch = (path: string): typeof globalThis.fetch => {
  const send = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const request = new Request(input, init)
    const body = request.body === null ? null : Buffer.from(await request.arrayBuffer())
    const headers: Record<string, string> = {}
    request.headers.forEach((value, name) => {
      headers[name] = value
    })
    return new Promise((resolve, reject) => {
      const url = new URL(request.url)
      const req = httpRequest(
        {
          socketPath: path,
          method: request.method,
          path: `${url.pathname}${url.search}`,
          headers,
          signal: request.signal
        },
        (res) => {
          const chunks: Array<Buffer> = []
          res.on("data", (c: Buffer) => chunks.push(c))
          res.once("end", () => resolve(toResponse(res, Buffer.concat(chunks))))
          res.once("error", reject)
        }
      )
      req.once("error", (e) => reject(new TypeError("fetch failed", { cause: e })))
      req.end(body ?? undefined)
    })
  }
  return send as typeof globalThis.fetch
}
