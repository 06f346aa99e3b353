// Slowloris: the latency of a well-behaved client (sequential GETs on one keep-alive connection) alone, then while
// 1,000 connections each hold half a request head open and add a header line every 2 s — reopened as the server's
// header timeout closes them, so 1,000 stay open. The emulator runs with its default limits.
import http from "node:http"
import net from "node:net"
import type { BenchOptions } from "../options.ts"
import { emulatorOn, type Runtime, startServer } from "../servers.ts"
import { round, sleep } from "../stats.ts"

export interface ClientLatency {
  readonly requests: number
  readonly errors: number
  readonly p50Ms: number
  readonly p99Ms: number
  readonly maxMs: number
}

export interface SlowlorisResult {
  readonly runtime: Runtime
  readonly seconds: number
  readonly slowConnections: number
  readonly alone: ClientLatency
  readonly underSlowloris: ClientLatency
  /** Slow connections open when the measurement ended, and how many the server closed (header timeout) meanwhile. */
  readonly slowOpenAtEnd: number
  readonly slowClosedByServer: number
}

const percentile = (sorted: ReadonlyArray<number>, p: number): number =>
  sorted.length === 0 ? Number.NaN : sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))]!

const wellBehaved = async (url: string, seconds: number): Promise<ClientLatency> => {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 })
  const samples: Array<number> = []
  let errors = 0
  const end = performance.now() + seconds * 1000
  while (performance.now() < end) {
    const t0 = performance.now()
    const ok = await new Promise<boolean>((resolve) => {
      const req = http.get(`${url}/latest/meta-data/instance-id`, { agent, timeout: 10_000 }, (res) => {
        res.resume()
        res.on("end", () => resolve(res.statusCode === 200))
      })
      req.on("timeout", () => req.destroy())
      req.on("error", () => resolve(false))
    })
    if (ok) samples.push(performance.now() - t0)
    else errors += 1
  }
  agent.destroy()
  const sorted = samples.sort((a, b) => a - b)
  const ms = (v: number) => round(v, 3)
  return {
    requests: samples.length,
    errors,
    p50Ms: ms(percentile(sorted, 50)),
    p99Ms: ms(percentile(sorted, 99)),
    maxMs: ms(sorted.at(-1) ?? Number.NaN)
  }
}

/** Keeps `count` slow connections open until stopped; counts the ones the server closes. */
const slowloris = (port: number, count: number) => {
  const open = new Set<net.Socket>()
  let closedByServer = 0
  let stopped = false
  const connect = () => {
    const socket = net.connect(port, "127.0.0.1")
    socket.on("error", () => {})
    socket.once("connect", () => socket.write("GET /latest/meta-data/instance-id HTTP/1.1\r\nHost: imds\r\n"))
    socket.once("close", () => {
      open.delete(socket)
      if (stopped) return
      closedByServer += 1
      connect()
    })
    open.add(socket)
  }
  for (let i = 0; i < count; i++) connect()
  const drip = setInterval(() => {
    for (const s of open) if (s.writable) s.write("X-Slow: 1\r\n")
  }, 2000)
  return {
    open: () => open.size,
    closedByServer: () => closedByServer,
    stop: () => {
      stopped = true
      clearInterval(drip)
      for (const s of open) s.destroy()
    }
  }
}

export const runSlowloris = async (options: BenchOptions, runtime: Runtime): Promise<SlowlorisResult> => {
  const server = await startServer(emulatorOn(runtime))
  const seconds = options.quick ? 3 : 15
  const slowConnections = 1000
  try {
    const url = server.ready.url
    await wellBehaved(url, 1) // warm-up
    const alone = await wellBehaved(url, seconds)
    const slow = slowloris(Number(new URL(url).port), slowConnections)
    await sleep(1000)
    const underSlowloris = await wellBehaved(url, seconds)
    const result = {
      runtime,
      seconds,
      slowConnections,
      alone,
      underSlowloris,
      slowOpenAtEnd: slow.open(),
      slowClosedByServer: slow.closedByServer()
    }
    slow.stop()
    return result
  } finally {
    await server.stop()
  }
}
