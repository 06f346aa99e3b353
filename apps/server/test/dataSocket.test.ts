// The metadata listener on a Unix socket (`--socket`), as Go's, Python's and Google's emulators offer for sandboxed
// tests: on Node and Bun the real entry points answer the data plane there with the same rules, the file is the
// owner's only (0600), clients on it are unmatched peers (the default instance), and the file goes with the server.
import { existsSync, mkdtempSync, rmSync, statSync } from "node:fs"
import http from "node:http"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, assert, beforeAll, describe, it } from "vitest"
import { startServer } from "../src/startServer.ts"
import { type RuntimeName, spawnServer } from "./support/spawn.ts"

let dir: string
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "aliyun-imds-data-socket-"))
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const overSocket = (socketPath: string, path: string, method = "GET", headers: Record<string, string> = {}) =>
  new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = http.request({ socketPath, path, method, headers }, (res) => {
      let text = ""
      res.setEncoding("utf8").on("data", (c: string) => (text += c))
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: text }))
    })
    req.once("error", reject)
    req.end()
  })

describe.each(["node", "bun"] as const satisfies ReadonlyArray<RuntimeName>)(
  "metadata on a Unix socket (%s)",
  (runtime) => {
    it("answers tokens and reads there with mode 0600, prints unix:PATH, and removes the socket on SIGTERM", async () => {
      const socket = join(dir, `${runtime}.sock`)
      const server = await spawnServer(runtime, { args: ["--socket", socket, "--http-tokens", "required"] })
      try {
        assert.strictEqual(server.dataUrl, `unix:${socket}`)
        assert.strictEqual(statSync(socket).mode & 0o777, 0o600)
        const refused = await overSocket(socket, "/latest/meta-data/instance-id")
        assert.strictEqual(refused.status, 403, "HttpTokens=required applies on the socket too")
        const token = await overSocket(socket, "/latest/api/token", "PUT", {
          "x-aliyun-ecs-metadata-token-ttl-seconds": "60"
        })
        assert.strictEqual(token.status, 200)
        const id = await overSocket(socket, "/latest/meta-data/instance-id", "GET", {
          "x-aliyun-ecs-metadata-token": token.body
        })
        assert.strictEqual(id.status, 200)
        assert.match(id.body, /^i-[a-z0-9]+$/)
      } finally {
        const { code } = await server.stop("SIGTERM")
        assert.strictEqual(code, 0)
      }
      assert.isFalse(existsSync(socket), "socket file removed")
    })
  }
)

describe("startServer({ socket })", () => {
  it("serves the default instance to socket clients and journals them with no peer address", async () => {
    const socket = join(dir, "embedded.sock")
    const server = await startServer({ socket, adminPort: 0, noEcs: true, logLevel: "silent" })
    try {
      assert.strictEqual(server.dataUrl, `unix:${socket}`)
      assert.strictEqual(server.socket, socket)
      assert.strictEqual(server.port, 0)
      const id = await overSocket(socket, "/latest/meta-data/instance-id")
      assert.strictEqual(id.body, server.defaultInstanceId)
      const journal = await server.effectRuntime.runPromise(server.services.journal.query({ afterSeq: 0, limit: 10 }))
      const entry = journal.at(-1)
      assert.strictEqual(entry?.instanceId, server.defaultInstanceId)
      assert.strictEqual(entry?.peerAddress, "")
      assert.strictEqual(entry?.processMiss, "unsupported")
    } finally {
      await server.stop()
    }
  })
})
