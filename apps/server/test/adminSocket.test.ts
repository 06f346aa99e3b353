// The admin listener on a Unix socket (`--admin-socket`), as the sandbox uses it to stay reachable from outside its
// network namespace: on Node and Bun, the real entry points answer there, and the socket file goes with the server.
// A socket file left by a dead process is replaced; a live one or a non-socket file is never touched.
import { execFileSync } from "node:child_process"
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import http from "node:http"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, assert, beforeAll, describe, it } from "vitest"
import { type RunningServer, StartupError, startServer } from "../src/startServer.ts"
import { type RuntimeName, spawnServer } from "./support/spawn.ts"

let dir: string
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "aliyun-imds-socket-"))
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const overSocket = (socketPath: string, path: string, method = "GET", body?: string) =>
  new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = http.request({ socketPath, path, method, headers: { "content-type": "application/json" } }, (res) => {
      let text = ""
      res.setEncoding("utf8").on("data", (c: string) => (text += c))
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: text }))
    })
    req.once("error", reject)
    req.end(body)
  })

/** A socket file nobody listens on, as a killed server leaves it. */
const staleSocket = (path: string) =>
  execFileSync("python3", ["-c", "import socket,sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])", path])

describe.each(["node", "bun"] as const satisfies ReadonlyArray<RuntimeName>)(
  "admin on a Unix socket (%s)",
  (runtime) => {
    it("answers the admin API there, prints unix:PATH, and removes the socket on SIGTERM", async () => {
      const socket = join(dir, `${runtime}.sock`)
      const server = await spawnServer(runtime, { args: ["--admin-socket", socket] })
      try {
        assert.strictEqual(server.adminUrl, `unix:${socket}`)
        const set = await overSocket(
          socket,
          "/v1/instances/default/metadata-options",
          "POST",
          JSON.stringify({ HttpTokens: "required" })
        )
        assert.strictEqual(set.status, 200, set.body)
        const read = await fetch(`${server.dataUrl}/latest/meta-data/instance-id`)
        assert.strictEqual(read.status, 403, "the change made over the socket applies to the data plane")
      } finally {
        const { code } = await server.stop("SIGTERM")
        assert.strictEqual(code, 0)
      }
      assert.isFalse(existsSync(socket), "socket file removed")
    })

    it("replaces a socket file left by a dead process", async () => {
      const socket = join(dir, `${runtime}-stale.sock`)
      staleSocket(socket)
      assert.isTrue(existsSync(socket))
      const server = await spawnServer(runtime, { args: ["--admin-socket", socket] })
      try {
        const health = await overSocket(socket, "/health")
        assert.strictEqual(health.status, 200)
      } finally {
        await server.stop("SIGTERM")
      }
    })
  }
)

describe("admin socket paths that are not free", () => {
  const start = (adminSocket: string) => startServer({ port: 0, adminSocket, logLevel: "silent" })

  it("refuses a socket a live server answers on, and leaves that server alone", async () => {
    const socket = join(dir, "live.sock")
    const first: RunningServer = await start(socket)
    try {
      const second = await start(socket).catch((e: unknown) => e)
      assert.instanceOf(second, StartupError)
      assert.include((second as Error).message, `another server is listening on ${socket}`)
      assert.strictEqual((await overSocket(socket, "/health")).status, 200)
    } finally {
      await first.stop()
    }
  })

  it("refuses a path that is not a socket and does not touch the file", async () => {
    const file = join(dir, "not-a-socket")
    writeFileSync(file, "keep me")
    const result = await start(file).catch((e: unknown) => e)
    assert.instanceOf(result, StartupError)
    assert.include((result as Error).message, "exists and is not a socket")
    assert.strictEqual(readFileSync(file, "utf8"), "keep me")
  })

  it("needs no admin token, since file permissions guard the socket", async () => {
    const socket = join(dir, "no-token.sock")
    const server = await startServer({ port: 0, adminSocket: socket, adminHost: "0.0.0.0", logLevel: "silent" })
    try {
      assert.strictEqual(server.adminSocket, socket)
      assert.strictEqual(server.adminPort, 0)
    } finally {
      await server.stop()
    }
  })
})
