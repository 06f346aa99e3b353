// Raw TCP exchanges with a listener, for bytes no HTTP client would send: write exactly what the test gives, collect
// everything the server answers until it closes (or a bounded wait ends), and read the status lines back out.
import { connect } from "node:net"

export interface RawReply {
  /** Everything received, decoded as latin1 so any byte survives. */
  readonly text: string
  /** Status codes of every response in `text`, in order. */
  readonly statuses: ReadonlyArray<number>
  /** The server closed (or reset) the connection before the wait ended. */
  readonly closed: boolean
  /** A socket error code seen on our side (e.g. ECONNRESET, EPIPE), if any. */
  readonly error: string | null
}

export interface RawOptions {
  readonly host?: string
  /** Half-close our side once everything is written (a truncated request becomes a finished one). */
  readonly endAfterWrite?: boolean
  /** Resolve as soon as this many complete-looking responses have arrived instead of waiting for a close. */
  readonly responses?: number
  /** Upper bound on the whole exchange. */
  readonly waitMs?: number
}

const statusLine = /HTTP\/1\.[01] (\d{3}) /g

const statusesOf = (text: string): Array<number> => [...text.matchAll(statusLine)].map((m) => Number(m[1]))

export const rawExchange = (port: number, bytes: string | Uint8Array, options: RawOptions = {}): Promise<RawReply> =>
  new Promise((resolve) => {
    const socket = connect({ port, host: options.host ?? "127.0.0.1" })
    const chunks: Array<Buffer> = []
    let error: string | null = null
    let settled = false
    const finish = (closed: boolean) => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      socket.destroy()
      const text = Buffer.concat(chunks).toString("latin1")
      resolve({ text, statuses: statusesOf(text), closed, error })
    }
    const timer = setTimeout(() => finish(false), options.waitMs ?? 3000)
    socket.on("data", (chunk) => {
      chunks.push(chunk)
      const wanted = options.responses
      if (wanted !== undefined && complete(Buffer.concat(chunks).toString("latin1"), wanted)) finish(false)
    })
    socket.on("error", (e: NodeJS.ErrnoException) => {
      error = e.code ?? e.message
    })
    socket.on("close", () => finish(true))
    socket.write(typeof bytes === "string" ? Buffer.from(bytes, "latin1") : bytes)
    if (options.endAfterWrite === true) socket.end()
  })

/** Whether `text` holds `count` responses whose Content-Length bodies have fully arrived. */
const complete = (text: string, count: number): boolean => {
  let offset = 0
  for (let i = 0; i < count; i++) {
    const head = text.indexOf("\r\n\r\n", offset)
    if (head === -1) return false
    const length = /\r\ncontent-length: (\d+)\r\n/i.exec(text.slice(offset, head + 2))
    offset = head + 4 + (length ? Number(length[1]) : 0)
    if (offset > text.length) return false
  }
  return true
}

/** The body of the first response in `text` (after the blank line), for Content-Length framed replies. */
export const firstBody = (text: string): string => {
  const head = text.indexOf("\r\n\r\n")
  const length = /\r\ncontent-length: (\d+)\r\n/i.exec(text.slice(0, head + 2))
  return text.slice(head + 4, head + 4 + (length ? Number(length[1]) : 0))
}
