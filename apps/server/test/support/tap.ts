// A loopback TCP relay in front of an emulator that records each request head a client sends (request line and
// headers, as written on the wire), because the journal keeps no headers and a client's Host and User-Agent are
// part of what spec §14 measured.
import net from "node:net"

export interface RequestHead {
  readonly method: string
  readonly target: string
  /** Header names lower-cased; the raw head keeps the client's spelling. */
  readonly headers: Readonly<Record<string, string>>
  readonly raw: string
}

export interface Tap {
  readonly port: number
  readonly requests: () => ReadonlyArray<RequestHead>
  readonly close: () => Promise<void>
}

const parseHead = (raw: string): RequestHead => {
  const [requestLine = "", ...lines] = raw.split("\r\n")
  const [method = "", target = ""] = requestLine.split(" ")
  const headers: Record<string, string> = {}
  for (const line of lines) {
    const colon = line.indexOf(":")
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim()
  }
  return { method, target, headers, raw }
}

/** Splits a connection's client bytes into request heads, skipping `content-length` bodies. */
const headReader = (onHead: (head: RequestHead) => void) => {
  let buffer = ""
  let bodyLeft = 0
  return (chunk: Buffer) => {
    buffer += chunk.toString("latin1")
    for (;;) {
      if (bodyLeft > 0) {
        const skip = Math.min(bodyLeft, buffer.length)
        buffer = buffer.slice(skip)
        bodyLeft -= skip
        if (bodyLeft > 0) return
      }
      const end = buffer.indexOf("\r\n\r\n")
      if (end === -1) return
      const head = parseHead(buffer.slice(0, end))
      buffer = buffer.slice(end + 4)
      bodyLeft = Number(head.headers["content-length"] ?? 0)
      onHead(head)
    }
  }
}

export const startTap = (upstreamPort: number, upstreamHost = "127.0.0.1"): Promise<Tap> => {
  const heads: Array<RequestHead> = []
  const sockets = new Set<net.Socket>()
  const track = (socket: net.Socket) => {
    sockets.add(socket)
    socket.once("close", () => sockets.delete(socket))
  }
  const server = net.createServer((client) => {
    const upstream = net.connect(upstreamPort, upstreamHost)
    track(client)
    track(upstream)
    client.on(
      "data",
      headReader((head) => heads.push(head))
    )
    client.pipe(upstream).pipe(client)
    const both = () => {
      client.destroy()
      upstream.destroy()
    }
    client.once("error", both).once("close", both)
    upstream.once("error", both).once("close", both)
  })
  return new Promise((resolve, reject) => {
    server.once("error", reject)
    server.listen(0, "127.0.0.1", () => {
      resolve({
        port: (server.address() as net.AddressInfo).port,
        requests: () => heads,
        close: () =>
          new Promise<void>((done) => {
            for (const socket of sockets) socket.destroy()
            server.close(() => done())
          })
      })
    })
  })
}
