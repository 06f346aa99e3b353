// A throwaway npm registry for the release test: verdaccio on 127.0.0.1 with its config, storage and users in a
// temp directory and no uplinks, so it serves only what was published to it and never contacts another registry.
import { type ChildProcess, spawn } from "node:child_process"
import { writeFileSync } from "node:fs"
import { get } from "node:http"
import { createServer } from "node:net"
import { join, resolve } from "node:path"
import { fileURLToPath } from "node:url"

const verdaccioBin = resolve(fileURLToPath(new URL("../node_modules/.bin/verdaccio", import.meta.url)))

export interface Packument {
  readonly "dist-tags": Record<string, string>
  readonly versions: Record<
    string,
    { dependencies?: Record<string, string>; exports?: unknown; dist: { integrity: string; tarball: string } }
  >
}

export interface Registry {
  readonly url: string
  /** Creates a user and returns its token (npm's `adduser` call). */
  readonly addUser: (name: string, password: string) => Promise<string>
  /** The registry's document of a package (all its versions), or null when it has none. */
  readonly packument: (name: string) => Promise<Packument | null>
  readonly stop: () => Promise<void>
}

const config = (dir: string) => `storage: ${join(dir, "storage")}
auth:
  htpasswd:
    file: ${join(dir, "htpasswd")}
    max_users: 1
uplinks: {}
packages:
  "@aliyun-imds/*":
    access: $all
    publish: $authenticated
  "**":
    access: $all
max_body_size: 200mb
web:
  enable: false
log: { type: stdout, format: pretty, level: warn }
`

/** A free loopback port (verdaccio takes no port 0): the kernel picks one, we release it and hand it over. */
const freePort = (): Promise<number> =>
  new Promise((done, reject) => {
    const server = createServer().once("error", reject)
    server.listen(0, "127.0.0.1", () => {
      const address = server.address()
      server.close(() => (typeof address === "object" && address !== null ? done(address.port) : reject()))
    })
  })

/** Starts verdaccio with everything under `dir`; resolves once it says it listens. */
export const startRegistry = async (dir: string): Promise<Registry> => {
  const configFile = join(dir, "config.yaml")
  writeFileSync(configFile, config(dir))
  const port = await freePort()
  const child = spawn(verdaccioBin, ["--config", configFile, "--listen", `127.0.0.1:${port}`], {
    cwd: dir,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"]
  })
  const url = `http://127.0.0.1:${port}/`
  const stop = () => stopGroup(child)
  try {
    await listening(child, `127.0.0.1:${port}`)
  } catch (error) {
    await stop()
    throw error
  }
  const addUser = async (name: string, password: string) => {
    const response = await fetch(`${url}-/user/org.couchdb.user:${name}`, {
      method: "PUT",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ name, password })
    })
    const body = (await response.json()) as { token?: string }
    if (!response.ok || body.token === undefined) {
      throw new Error(`verdaccio refused user ${name}: ${response.status} ${JSON.stringify(body)}`)
    }
    return body.token
  }
  return { url, addUser, packument: (name) => packument(url, name), stop }
}

// One connection per request: verdaccio closes idle keep-alive sockets, and a reused one fails the next request.
const packument = (url: string, name: string): Promise<Packument | null> =>
  new Promise((done, reject) => {
    get(`${url}${name.replace("/", "%2f")}`, { agent: false }, (response) => {
      let body = ""
      response.setEncoding("utf8").on("data", (chunk: string) => {
        body += chunk
      })
      response.on("end", () => (response.statusCode === 200 ? done(JSON.parse(body) as Packument) : done(null)))
    }).on("error", reject)
  })

const listening = (child: ChildProcess, address: string): Promise<void> =>
  new Promise((done, reject) => {
    let seen = ""
    const read = (chunk: Buffer) => {
      seen += chunk.toString("utf8")
      if (seen.includes(`http://${address}`)) done()
    }
    child.stdout?.on("data", read)
    child.stderr?.on("data", read)
    child.once("error", (error) => reject(new Error(`could not start verdaccio (${verdaccioBin}): ${error.message}`)))
    child.once("exit", (code) => reject(new Error(`verdaccio exited with ${code} before listening:\n${seen}`)))
  })

/** SIGTERM to verdaccio's process group (the .bin shim and node), then waits for it to exit. */
const stopGroup = (child: ChildProcess): Promise<void> =>
  new Promise((done) => {
    if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return done()
    child.once("exit", () => done())
    try {
      process.kill(-child.pid, "SIGTERM")
    } catch {
      done()
    }
  })
