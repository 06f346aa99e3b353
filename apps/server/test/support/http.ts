// A raw node:http request for tests that care about the wire: the exact body bytes, every header, and the client
// socket's source address (`localAddress`), which is how the emulator tells instances apart on loopback.
import http, { type IncomingHttpHeaders } from "node:http"

export interface RawResponse {
  readonly status: number
  readonly headers: IncomingHttpHeaders
  readonly body: Buffer
  readonly text: string
}

export interface RawRequest {
  readonly method?: string
  readonly headers?: Record<string, string>
  readonly body?: string
  /** Source address of the client socket, e.g. 127.0.0.2. */
  readonly localAddress?: string
  /** Defaults to a fresh connection per request, so no test inherits another's keep-alive socket. */
  readonly agent?: http.Agent | false
  readonly timeoutMs?: number
}

export const rawRequest = (url: string, init: RawRequest = {}): Promise<RawResponse> =>
  new Promise((resolve, reject) => {
    const options: http.RequestOptions = {
      method: init.method ?? "GET",
      headers: init.headers ?? {},
      agent: init.agent ?? false,
      timeout: init.timeoutMs ?? 5000
    }
    if (init.localAddress !== undefined) options.localAddress = init.localAddress
    const request = http.request(url, options, (response) => {
      const chunks: Array<Buffer> = []
      response.on("data", (chunk: Buffer) => chunks.push(chunk))
      response.on("error", reject)
      response.on("end", () => {
        const body = Buffer.concat(chunks)
        resolve({ status: response.statusCode ?? 0, headers: response.headers, body, text: body.toString("latin1") })
      })
    })
    request.on("timeout", () => request.destroy(new Error(`no response from ${url} within the timeout`)))
    request.on("error", reject)
    request.end(init.body)
  })
