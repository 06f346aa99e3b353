// The metadata listener under concurrent keep-alive load on a real socket: 64 clients, each doing a token PUT and 20
// GETs (leaves, listings, credentials) for 5 rounds — 6 720 requests, bounded in count and time. Zero errors, every
// body byte-exact, and the journal and counters agree on how many tokens were issued.
import { Agent, request } from "node:http"
import type { Socket } from "node:net"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { type RunningServer, startServer } from "../src/startServer.ts"
import { defaultMetaDataListing, tokenHeader, ttlHeader } from "./support/dataPlane.ts"

const clients = 64
const rounds = 5
const deadlineMs = 15_000

interface Reply {
  readonly status: number
  readonly body: string
}

describe("concurrent keep-alive clients", () => {
  let server: RunningServer
  let agent: Agent
  const sockets = new Set<Socket>()

  const call = (method: "GET" | "PUT", path: string, headers: Record<string, string>) =>
    new Promise<Reply>((resolve, reject) => {
      const req = request(
        { host: "127.0.0.1", port: server.port, method, path, headers, agent, timeout: 5000 },
        (res) => {
          const chunks: Array<Buffer> = []
          res.on("data", (chunk: Buffer) => chunks.push(chunk))
          res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") }))
          res.on("error", reject)
        }
      )
      req.on("socket", (socket) => sockets.add(socket))
      req.on("timeout", () => req.destroy(new Error(`timed out: ${method} ${path}`)))
      req.on("error", reject)
      req.end()
    })

  beforeAll(async () => {
    server = await startServer({ port: 0, adminPort: 0, logLevel: "silent" })
    agent = new Agent({ keepAlive: true, maxSockets: clients })
  })
  afterAll(async () => {
    agent?.destroy()
    await server?.stop()
  })

  /** The 20 reads, each with bytes known before the load starts (from the model, or one quiet read). */
  const expectedReads = async (): Promise<ReadonlyArray<readonly [string, string]>> => {
    const state = server.services.fleet.getUnsafe(server.defaultInstanceId)!
    const { instance } = state
    const eni = instance.networkInterfaces[0]!
    const role = instance.ramRole!.name
    const quiet = async (path: string) => {
      const reply = await call("GET", path, {})
      expect(reply.status, path).toBe(200)
      return reply.body
    }
    const fromModel: ReadonlyArray<readonly [string, string]> = [
      ["/latest/meta-data/instance-id", instance.instanceId],
      ["/latest/meta-data/region-id", instance.regionId],
      ["/latest/meta-data/zone-id", instance.zoneId],
      ["/latest/meta-data/hostname", instance.hostname],
      ["/latest/meta-data/mac", eni.mac],
      ["/latest/meta-data/private-ipv4", eni.primaryIpAddress],
      ["/latest/meta-data/vpc-id", eni.vpcId],
      ["/latest/meta-data/dns-conf/nameservers", instance.dnsNameservers.join("\r\n")],
      ["/latest/meta-data/", defaultMetaDataListing],
      ["/2016-01-01/meta-data/", defaultMetaDataListing],
      ["/latest/meta-data/ram/security-credentials/", role],
      ["/latest/meta-data/Ram/security-credentials/?", role],
      ["/latest/meta-data/network/interfaces/macs/", `${eni.mac}/`],
      ["/", "2016-01-01\nlatest"],
      ["/latest/user-data", instance.userData ?? ""]
    ]
    const quietly = [
      `/latest/meta-data/ram/security-credentials/${role}`,
      `/2016-01-01/meta-data/ram/security-credentials/${role}`,
      "/latest/dynamic/instance-identity/document",
      "/2016-01-01/meta-data/all",
      "/latest/meta-data/instance/"
    ]
    return [...fromModel, ...(await Promise.all(quietly.map(async (p) => [p, await quiet(p)] as const)))]
  }

  it("64 clients × 5 rounds × (PUT + 20 GETs): zero errors, exact bodies, exact token count", async () => {
    const reads = await expectedReads()
    expect(reads).toHaveLength(20)
    const baseline = await server.effectRuntime.runPromise(server.services.journal.size)
    const errors: Array<string> = []
    const deadline = Date.now() + deadlineMs
    let done = 0

    const client = async (n: number) => {
      for (let round = 0; round < rounds && Date.now() < deadline; round++) {
        const put = await call("PUT", "/latest/api/token", { [ttlHeader]: "21600" })
        done++
        if (put.status !== 200) {
          errors.push(`client ${n}: PUT ${put.status}`)
          continue
        }
        for (let i = 0; i < reads.length; i++) {
          // Each client walks the list from its own offset, so every path is hit concurrently.
          const [path, expected] = reads[(i + n) % reads.length]!
          const reply = await call("GET", path, { [tokenHeader]: put.body })
          done++
          if (reply.status !== 200 || reply.body !== expected) {
            errors.push(`client ${n} ${path}: ${reply.status} ${JSON.stringify(reply.body.slice(0, 60))}`)
          }
        }
      }
    }

    const started = Date.now()
    const outcomes = await Promise.allSettled(Array.from({ length: clients }, (_, n) => client(n)))
    const elapsed = Date.now() - started
    const failures = outcomes.flatMap((o) => (o.status === "rejected" ? [String(o.reason)] : []))

    expect(failures).toEqual([])
    expect(errors.slice(0, 5)).toEqual([])
    expect(done).toBe(clients * rounds * 21)
    expect(elapsed).toBeLessThan(deadlineMs)
    // Keep-alive was really used: thousands of requests over at most one connection per client.
    expect(sockets.size).toBeLessThanOrEqual(clients)

    const journal = await server.effectRuntime.runPromise(server.services.journal.query({ limit: 10_000 }))
    const load = journal.slice(baseline)
    expect(load).toHaveLength(clients * rounds * 21)
    expect(load.filter((e) => e.method === "PUT" && e.status === 200)).toHaveLength(clients * rounds)
    expect(load.filter((e) => e.mode === "token" && e.status === 200)).toHaveLength(clients * rounds * 20)
    const counters = await server.effectRuntime.runPromise(server.services.counters.snapshot(server.defaultInstanceId))
    expect(counters.totals.tokensIssued).toBe(clients * rounds)
    expect(counters.totals.tokenOk).toBe(clients * rounds * 20)
  })
})
