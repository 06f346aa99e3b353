// New-connection load: `connections` loops, each opening a TCP connection per request, sending one request, reading
// one Content-Length-framed response, then waiting for the server's close (`Connection: close`). Neither wrk nor autocannon
// can do this (wrk counts a server's close as a read error, autocannon's reconnectRate drops responses). Runs as a
// pinned child process, under Bun when available (cheaper sockets); prints a JSON LoadResult.
import { connect } from "node:net"
import { type LoadResult, type LoadSpec, type RequestSpec, tokenHeader } from "./spec.ts"

const spec = JSON.parse(process.argv[2] ?? "{}") as LoadSpec
const target = new URL(spec.url)
const port = Number(target.port)
const host = target.hostname

const encode = (r: RequestSpec): Buffer => {
  const lines = [`${r.method} ${r.path} HTTP/1.1`, `host: ${target.host}`, "connection: close"]
  for (const [k, v] of Object.entries(r.headers)) lines.push(`${k}: ${v}`)
  if (r.method === "PUT") lines.push("content-length: 0")
  return Buffer.from(`${lines.join("\r\n")}\r\n\r\n`)
}
const requests = spec.requests.map(encode)
/** With `chainToken`: the latest token a PUT returned, presented by the GETs after it. */
let token: string | undefined
const next = (i: number): Buffer => {
  const r = spec.requests[i % requests.length]!
  if (spec.chainToken !== true || r.method !== "GET" || token === undefined) return requests[i % requests.length]!
  return encode({ ...r, headers: { ...r.headers, [tokenHeader]: token } })
}

const latencies: Array<number> = []
let errors = 0
let statusErrors = 0
let completed = 0
const headerEnd = Buffer.from("\r\n\r\n")

/** Bytes needed for the whole response once its head has arrived, or -1 if the head is still incomplete. */
const expectedLength = (data: Buffer): number => {
  const end = data.indexOf(headerEnd)
  if (end === -1) return -1
  const head = data.toString("latin1", 0, end)
  const length = /\r\ncontent-length: *(\d+)/i.exec(head)
  return end + 4 + (length === null ? 0 : Number(length[1]))
}

const once = (request: Buffer, isPut: boolean): Promise<void> =>
  new Promise((resolve) => {
    const started = performance.now()
    const socket = connect({ port, host, noDelay: true })
    let data: Buffer = Buffer.alloc(0)
    let answered = false
    let settled = false
    const finish = (ok: boolean) => {
      if (settled) return
      settled = true
      socket.destroy()
      if (!ok) errors++
      resolve()
    }
    socket.setTimeout(5000, () => finish(false))
    socket.on("connect", () => socket.write(request))
    socket.on("data", (chunk: Buffer) => {
      data = data.length === 0 ? chunk : Buffer.concat([data, chunk])
      const needed = expectedLength(data)
      if (needed === -1 || data.length < needed) return
      if (answered) return
      answered = true
      const status = Number(data.toString("latin1", 9, 12))
      if (status < 200 || status > 299) statusErrors++
      else if (isPut && spec.chainToken === true) token = data.toString("latin1", data.indexOf(headerEnd) + 4)
      latencies.push(performance.now() - started)
      completed++
    })
    // The server closes first (as asked), so TIME_WAIT stays on its side and client ports are free at once.
    socket.on("end", () => finish(answered))
    socket.on("error", () => finish(false))
    socket.on("close", () => finish(answered))
  })

const deadline = performance.now() + spec.durationSeconds * 1000
const loop = async (offset: number) => {
  for (let i = offset; performance.now() < deadline; i++) {
    await once(next(i), spec.requests[i % requests.length]!.method === "PUT")
  }
}
const started = performance.now()
await Promise.all(Array.from({ length: spec.connections }, (_, i) => loop(i)))
const seconds = (performance.now() - started) / 1000
latencies.sort((a, b) => a - b)
const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0
const result: LoadResult = {
  requestsPerSecond: completed / seconds,
  p50Ms: at(0.5),
  p99Ms: at(0.99),
  requests: completed,
  errors: errors + statusErrors,
  statusErrors
}
process.stdout.write(`${JSON.stringify(result)}\n`)
