// A throwaway npm registry for tests: verdaccio on 127.0.0.1 with its config, storage and users in a temp directory
// and no uplinks, so it serves only what was published to it (by `pnpm release`, or seeded with `publishTarball`) and
// never contacts another registry.
import { type ChildProcess, spawn, spawnSync } from "node:child_process"
import { createHash } from "node:crypto"
import { readFileSync, writeFileSync } from "node:fs"
import { get } from "node:http"
import { createServer } from "node:net"
import { basename, join, resolve } from "node:path"
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
  /**
   * Publishes a package tarball (npm's publish call, with the user's token). Its version becomes `latest` unless
   * the registry already has a higher one.
   */
  readonly publishTarball: (token: string, tarball: string) => Promise<void>
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
    publish: $authenticated
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
  const publishTarball = async (token: string, tarball: string) => {
    const body = publishDocument(url, tarball, await packument(url, manifestOf(tarball).name))
    const response = await fetch(`${url}${body.name.replace("/", "%2f")}`, {
      method: "PUT",
      headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
      body: JSON.stringify(body)
    })
    if (!response.ok) {
      throw new Error(`verdaccio refused ${basename(tarball)}: ${response.status} ${await response.text()}`)
    }
  }
  return { url, addUser, publishTarball, packument: (name) => packument(url, name), stop }
}

interface Manifest {
  readonly name: string
  readonly version: string
  readonly [key: string]: unknown
}

const manifestOf = (tarball: string): Manifest => {
  const r = spawnSync("tar", ["-xzOf", tarball, "package/package.json"], { encoding: "utf8" })
  if (r.status !== 0) throw new Error(`${tarball} has no package/package.json: ${r.stderr}`)
  return JSON.parse(r.stdout) as Manifest
}

/** The body of npm's publish request for `tarball`: its manifest with `dist`, the tarball attached. */
const publishDocument = (url: string, tarball: string, existing: Packument | null) => {
  const manifest = manifestOf(tarball)
  const data = readFileSync(tarball)
  const file = `${manifest.name.split("/").pop()}-${manifest.version}.tgz`
  const latest = existing?.["dist-tags"].latest
  const tag = latest === undefined || compareVersions(manifest.version, latest) > 0 ? "latest" : "seeded"
  return {
    _id: manifest.name,
    name: manifest.name,
    "dist-tags": { [tag]: manifest.version },
    versions: {
      [manifest.version]: {
        ...manifest,
        _id: `${manifest.name}@${manifest.version}`,
        dist: {
          shasum: createHash("sha1").update(data).digest("hex"),
          integrity: `sha512-${createHash("sha512").update(data).digest("base64")}`,
          tarball: `${url}${manifest.name}/-/${file}`
        }
      }
    },
    _attachments: {
      [file]: { content_type: "application/octet-stream", data: data.toString("base64"), length: data.length }
    }
  }
}

/** Orders `major.minor.patch[-pre]` versions; a prerelease sorts before its release. */
export const compareVersions = (a: string, b: string): number => {
  const parse = (v: string) => {
    const [core = "", pre] = v.split("+")[0]!.split(/-(.*)/s)
    return { parts: core.split(".").map(Number), pre }
  }
  const x = parse(a)
  const y = parse(b)
  for (let i = 0; i < 3; i++) {
    const d = (x.parts[i] ?? 0) - (y.parts[i] ?? 0)
    if (d !== 0) return Math.sign(d)
  }
  if (x.pre === y.pre) return 0
  if (x.pre === undefined) return 1
  if (y.pre === undefined) return -1
  return x.pre < y.pre ? -1 : 1
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
