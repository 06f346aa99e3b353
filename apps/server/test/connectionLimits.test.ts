// The connection limits on the real entry points, Node and Bun, over raw loopback sockets: a request head that does
// not arrive in time is closed at the header timeout (a short one, configured), an idle keep-alive connection at the
// keep-alive timeout, the cap closes the oldest connection not answering a request (or the new one when all are), and
// a well-behaved client keeps being answered while 1,000 slow or idle connections are open.
import { execFileSync } from "node:child_process"
import http from "node:http"
import net from "node:net"
import { afterAll, assert, beforeAll, describe, expect, it } from "vitest"
import { rawRequest } from "./support/http.ts"
import { type RuntimeName, type SpawnedServer, spawnServer } from "./support/spawn.ts"

interface Opened {
  readonly socket: net.Socket
  /** When our side saw the connection open (performance.now()). */
  readonly openedAt: number
  /** Resolves when the connection closes: when, and everything the server wrote. */
  readonly closed: Promise<{ readonly at: number; readonly received: string }>
}

const open = (port: number, bytes?: string): Promise<Opened> =>
  new Promise((resolve, reject) => {
    const socket = net.connect(port, "127.0.0.1")
    let received = ""
    socket.setEncoding("latin1")
    socket.on("data", (chunk: string) => (received += chunk))
    socket.on("error", () => {})
    const closed = new Promise<{ at: number; received: string }>((done) =>
      socket.once("close", () => done({ at: performance.now(), received }))
    )
    socket.once("error", reject)
    socket.once("connect", () => {
      const openedAt = performance.now()
      if (bytes !== undefined) socket.write(bytes)
      resolve({ socket, openedAt, closed })
    })
  })

const request = "GET /latest/meta-data/instance-id HTTP/1.1\r\nHost: imds\r\n\r\n"
const partialHead = "GET /latest/meta-data/instance-id HTTP/1.1\r\nHost: imds\r\n"

/** Lets the server take in what was just sent before the next step (ordering only; nothing is timed by it). */
const settle = (ms = 150) => new Promise((resolve) => setTimeout(resolve, ms))

const isOpen = (o: Opened): boolean => !o.socket.destroyed && o.socket.readyState === "open"

/** The soft limit on open files of this process (each of its sockets is one). */
const openFileLimit = (): number => Number(execFileSync("sh", ["-c", "ulimit -n"], { encoding: "utf8" }).trim())

// Timers on the server are checked every tenth of the shorter timeout: a close comes at the bound or a little after.
// Our clock starts when our side sees the connection, a moment after the server accepted it.
const slack = 60

describe.each(["node", "bun"] as const)("connection limits on the %s listener", (runtime: RuntimeName) => {
  describe("timeouts", () => {
    let server: SpawnedServer
    beforeAll(async () => {
      server = await spawnServer(runtime, {
        args: ["--header-timeout", "1", "--keep-alive-timeout", "1.5", "--log-level", "warn"]
      })
    })
    afterAll(() => server.stop())

    it("closes a connection whose request head is not complete at the header timeout, without an answer", async () => {
      const slow = await open(server.port, partialHead)
      const { at, received } = await slow.closed
      expect(at - slow.openedAt).toBeGreaterThanOrEqual(1000 - slack)
      assert.strictEqual(received, "")
    })

    it("closes a connection that sends nothing at the header timeout", async () => {
      const silent = await open(server.port)
      const { at, received } = await silent.closed
      expect(at - silent.openedAt).toBeGreaterThanOrEqual(1000 - slack)
      assert.strictEqual(received, "")
    })

    it("answers a request head that arrives in pieces within the header timeout", async () => {
      const client = await open(server.port, "GET /latest/meta-data/instance-id HT")
      await settle(300)
      client.socket.write("TP/1.1\r\nHost: imds\r\nConnection: close\r\n\r\n")
      const { received } = await client.closed
      expect(received).toMatch(/^HTTP\/1\.1 200 /)
    })

    it("closes an idle keep-alive connection at the keep-alive timeout after its last response", async () => {
      const client = await open(server.port, request)
      const answeredAt = await new Promise<number>((resolve) =>
        client.socket.once("data", () => resolve(performance.now()))
      )
      const { at, received } = await client.closed
      expect(received).toMatch(/^HTTP\/1\.1 200 /)
      expect(at - answeredAt).toBeGreaterThanOrEqual(1500 - slack)
    })
  })

  describe("the cap on open connections", () => {
    let server: SpawnedServer
    beforeAll(async () => {
      server = await spawnServer(runtime, {
        args: ["--max-connections", "2", "--header-timeout", "60", "--log-level", "warn"]
      })
    })
    afterAll(() => server.stop())

    it("past the cap, closes the oldest connection that is not answering a request and serves the new one", async () => {
      const first = await open(server.port, "G")
      await settle()
      const second = await open(server.port, "G")
      await settle()
      const answer = await rawRequest(`${server.dataUrl}/latest/meta-data/instance-id`, { timeoutMs: 20_000 })
      assert.strictEqual(answer.status, 200)
      const { received } = await first.closed
      assert.strictEqual(received, "")
      assert.isTrue(isOpen(second), "the younger slow connection stays open")
      second.socket.destroy()
    })

    it("when every connection is answering a request, closes the new one at once", async () => {
      const admin = async (method: string, path: string, body?: unknown) =>
        rawRequest(`${server.adminUrl}${path}`, {
          method,
          headers: { "content-type": "application/json" },
          ...(body === undefined ? {} : { body: JSON.stringify(body) })
        })
      const added = await admin("POST", "/v1/faults", { action: { type: "latency", ms: 60_000 } })
      assert.strictEqual(added.status, 201, added.text)
      const held = [await open(server.port, request), await open(server.port, request)]
      await settle(300)
      const refused = await open(server.port, request)
      const { received } = await refused.closed
      assert.strictEqual(received, "")
      for (const h of held)
        assert.isTrue(isOpen(h), "a connection with a request in flight is never closed for the cap")
      for (const h of held) h.socket.destroy()
    })
  })

  describe("under 1,000 slow or idle connections", () => {
    let server: SpawnedServer
    const limit = openFileLimit()
    const enoughFiles = limit >= 1500
    beforeAll(async () => {
      if (!enoughFiles) {
        console.warn(
          `connection limits: ulimit -n is ${limit}; raise it to 1500 or more to run the 1,000-connection test`
        )
        return
      }
      server = await spawnServer(runtime, {
        args: ["--header-timeout", "120", "--keep-alive-timeout", "120", "--log-level", "warn"]
      })
    })
    afterAll(() => server?.stop())

    it.skipIf(!enoughFiles)(
      "keeps answering a well-behaved client, on new connections and on one kept alive",
      async () => {
        const slow: Array<Opened> = []
        for (let batch = 0; batch < 10; batch++) {
          // 500 send half a request head and then a header line now and then; 500 finish a request and stay idle.
          const opened = await Promise.all(
            Array.from({ length: 100 }, () => open(server.port, batch % 2 === 0 ? partialHead : request))
          )
          slow.push(...opened)
        }
        const drip = setInterval(() => {
          for (const [i, s] of slow.entries()) if (i % 200 < 100 && isOpen(s)) s.socket.write("X-Slow: 1\r\n")
        }, 1000)
        try {
          await settle(500)
          const agent = new http.Agent({ keepAlive: true, maxSockets: 1 })
          for (let i = 0; i < 20; i++) {
            const fresh = await rawRequest(`${server.dataUrl}/latest/meta-data/instance-id`, { timeoutMs: 20_000 })
            const kept = await rawRequest(`${server.dataUrl}/latest/meta-data/instance-id`, {
              agent,
              timeoutMs: 20_000
            })
            assert.deepStrictEqual([fresh.status, kept.status], [200, 200])
          }
          agent.destroy()
          const closedByServer = slow.filter((s) => !isOpen(s)).length
          assert.strictEqual(closedByServer, 0, "no slow or idle connection was closed under the default cap")
        } finally {
          clearInterval(drip)
          for (const s of slow) s.socket.destroy()
        }
      },
      120_000
    )
  })
})
