// A Unix socket listener is owner-only from its first moment: it is bound inside a private (0700) directory, given
// mode 0600 there and only then renamed to its path, so no other user can connect in between (a chmod after binding
// at the path would leave that window). Whoever else runs as `nobody` is refused before and after; the file goes
// with the listener, unless another server's file took its place.
import { spawn } from "node:child_process"
import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs"
import { createServer, type Server } from "node:net"
import { tmpdir } from "node:os"
import { basename, dirname, join } from "node:path"
import { afterEach, assert, beforeEach, it } from "vitest"
import { listenPrivately } from "../src/platform/unixSocket.ts"

const isRoot = process.platform === "linux" && process.getuid?.() === 0
let dir: string
let server: Server
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "aliyun-imds-unix-socket-"))
  // Other users may look up names here, so only the socket's own mode keeps them out.
  chmodSync(dir, 0o755)
  // Answers every request: a server that hangs up at once can reach curl before its connect check (POLLHUP), and
  // curl then reports a refusal (exit 7) for a connection that was made.
  server = createServer((socket) => {
    socket.once("data", () => socket.end("HTTP/1.1 204 No Content\r\nConnection: close\r\n\r\n"))
    socket.on("error", () => {})
  })
})
afterEach(async () => {
  await new Promise<void>((done) => (server.listening ? server.close(() => done()) : done()))
  rmSync(dir, { recursive: true, force: true })
})

const listenAt = (at: string) => new Promise<void>((resolve) => server.listen(at, resolve))

/**
 * Whether curl, as `nobody` or as this user, connects to the socket at `path`: it exits 0 when it got the answer and 7
 * when it could not connect; any other exit is a broken check, not an answer.
 */
const connects = (path: string, as: "nobody" | "owner"): Promise<boolean> =>
  new Promise((resolve, reject) => {
    const user = as === "nobody" ? { uid: 65534, gid: 65534 } : {}
    const curl = spawn("/usr/bin/curl", ["-s", "-m", "10", "--unix-socket", path, "http://localhost/"], user)
    curl.once("error", reject)
    curl.once("close", (code) =>
      code === 0 || code === 7 ? resolve(code === 0) : reject(new Error(`curl exited ${code} on ${path} as ${as}`))
    )
  })

it("binds in a fresh 0700 directory beside the path and publishes the socket there only once it is 0600", async () => {
  const path = join(dir, "admin.sock")
  let during: { readonly atPath: boolean; readonly stagingMode: number; readonly stagingDir: string } | undefined
  await listenPrivately(path, async (at) => {
    await listenAt(at)
    during = { atPath: existsSync(path), stagingMode: statSync(dirname(at)).mode & 0o777, stagingDir: dirname(at) }
  })
  assert.isFalse(during?.atPath, "nothing is at the path while the socket is bound")
  assert.strictEqual(during?.stagingMode, 0o700)
  assert.strictEqual(dirname(during?.stagingDir ?? ""), dir, "the staging directory is on the path's file system")
  assert.isTrue(statSync(path).isSocket())
  assert.strictEqual(statSync(path).mode & 0o777, 0o600)
  assert.deepStrictEqual(readdirSync(dir), [basename(path)], "the staging directory is gone")
})

it.skipIf(!isRoot)("no other user can connect at any moment: not while it is bound, not once published", async () => {
  const path = join(dir, "data.sock")
  let whileBound: boolean | undefined
  // A permissive umask, as a user's shell may have: the socket file itself is bound world-connectable (0777).
  const umask = process.umask(0)
  try {
    await listenPrivately(path, async (at) => {
      await listenAt(at)
      assert.strictEqual(statSync(at).mode & 0o777, 0o777)
      whileBound = await connects(at, "nobody")
    })
  } finally {
    process.umask(umask)
  }
  assert.isFalse(whileBound, "nobody cannot reach the socket in its staging directory")
  assert.isFalse(await connects(path, "nobody"), "nobody cannot connect to the published socket")
  assert.isTrue(await connects(path, "owner"), "the owner connects")
})

it("removes its file after close, but not a file another server put at the path meanwhile", async () => {
  const path = join(dir, "gone.sock")
  const published = await listenPrivately(path, listenAt)
  await new Promise<void>((done) => server.close(() => done()))
  await published.remove()
  assert.isFalse(existsSync(path))

  const other = join(dir, "replaced.sock")
  server = createServer()
  const second = await listenPrivately(other, listenAt)
  rmSync(other)
  writeFileSync(other, "someone else's")
  await second.remove()
  assert.isTrue(existsSync(other), "a file that is not ours is left alone")
})

it("a bind that fails leaves no staging directory behind", async () => {
  const path = join(dir, "fails.sock")
  const refused = await listenPrivately(path, () => Promise.reject(new Error("EADDRINUSE"))).catch((e: Error) => e)
  assert.instanceOf(refused, Error)
  assert.deepStrictEqual(readdirSync(dir), [])
})
