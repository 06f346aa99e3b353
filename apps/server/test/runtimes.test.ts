// The same wire-level suite against the real entry points on Node and on Bun, each a separate process on loopback
// sockets: printed ports, instance binding by source address (127.0.0.2 / 127.0.0.3), the token rules of spec §10,
// exact credential bytes, HEAD, the calling process of a Python client (from /proc), and a graceful SIGTERM.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs"
import http from "node:http"
import net from "node:net"
import { tmpdir } from "node:os"
import { join } from "node:path"
import {
  credentialAt,
  decodeFleetResult,
  type JournalEntry,
  type RamCredential,
  renderCredentials
} from "@aliyun-imds/core"
import { Result } from "effect"
import { afterAll, assert, beforeAll, describe, expect, it } from "vitest"
import { buildServices } from "../src/Services.ts"
import { type RawRequest, rawRequest } from "./support/http.ts"
import { runPython } from "./support/python.ts"
import { type RuntimeName, type SpawnedServer, spawnServer } from "./support/spawn.ts"
import { readEvents } from "./support/sse.ts"

const alpha = { id: "i-rtalpha", address: "127.0.0.2", role: "RuntimeRole" }
const beta = { id: "i-rtbeta", address: "127.0.0.3" }

// Peers outside the fleet are refused, so every request below must come from the address it means to.
const fleetYaml = `version: 1
seed: runtimes-suite
unmatchedPeers: refuse
instances:
  - instanceId: ${alpha.id}
    sourceAddresses: ["${alpha.address}"]
    ramRole: { name: ${alpha.role} }
  - instanceId: ${beta.id}
    sourceAddresses: ["${beta.address}"]
    metadataOptions: { HttpTokens: required }
`

const ttlHeader = "X-aliyun-ecs-metadata-token-ttl-seconds"
const tokenHeader = "X-aliyun-ecs-metadata-token"
const sixHoursMs = 6 * 3600 * 1000

let fleetDir: string
let fleetPath: string
/** The first credential of alpha's role series, computed by the core from the same file (keys only). */
let firstCredential: RamCredential

beforeAll(async () => {
  fleetDir = mkdtempSync(join(tmpdir(), "aliyun-imds-runtimes-"))
  fleetPath = join(fleetDir, "fleet.yaml")
  writeFileSync(fleetPath, fleetYaml)
  const fleet = decodeFleetResult(fleetYaml, "yaml")
  if (Result.isFailure(fleet)) throw new Error(fleet.failure.message)
  const { runtime, services } = await buildServices({ fleet: fleet.success })
  const role = services.fleet.getUnsafe(alpha.id)?.role
  if (!role) throw new Error("the fleet file gives alpha no role")
  firstCredential = credentialAt({ role, instanceId: alpha.id, secret: services.fleet.credentialSecret }, 0)
  await runtime.dispose()
})

afterAll(() => rmSync(fleetDir, { recursive: true, force: true }))

const connectOutcome = (port: number): Promise<string> =>
  new Promise((resolve) => {
    const socket = net.connect(port, "127.0.0.1")
    socket.once("connect", () => {
      socket.destroy()
      resolve("connected")
    })
    socket.once("error", (e: NodeJS.ErrnoException) => resolve(e.code ?? e.message))
  })

describe.each(["node", "bun"] as const)("the %s entry point", (runtime: RuntimeName) => {
  let server: SpawnedServer
  let startedAt: number
  const from = (address: string, path: string, init: RawRequest = {}) =>
    rawRequest(`${server.dataUrl}${path}`, { ...init, localAddress: address })
  const tokenFor = async (address: string, ttl = "60") => {
    const res = await from(address, "/latest/api/token", { method: "PUT", headers: { [ttlHeader]: ttl } })
    assert.strictEqual(res.status, 200, res.text)
    return res.text
  }

  beforeAll(async () => {
    startedAt = Date.now()
    server = await spawnServer(runtime, { args: ["--config", fleetPath, "--log-level", "info"] })
  })
  afterAll(async () => {
    await server?.stop("SIGKILL")
  })

  it("a --port 0 start prints the real bound ports and the runtime it runs on", async () => {
    assert.strictEqual(server.reportedRuntime, runtime)
    assert.strictEqual(server.defaultInstanceId, alpha.id)
    assert.isAbove(server.port, 0)
    assert.isAbove(server.adminPort, 0)
    assert.notStrictEqual(server.port, server.adminPort)
    const health = JSON.parse((await rawRequest(`${server.adminUrl}/health`)).text) as Record<string, unknown>
    assert.include(health, { status: "ok", runtime })
  })

  it("each source address sees its own instance", async () => {
    const a = await from(alpha.address, "/latest/meta-data/instance-id")
    const b = await from(beta.address, "/latest/meta-data/instance-id", {
      headers: { [tokenHeader]: await tokenFor(beta.address) }
    })

    assert.deepStrictEqual([a.status, a.text], [200, alpha.id])
    assert.deepStrictEqual([b.status, b.text], [200, beta.id])
  })

  it("journals the process of a Python client that reads without a token", async () => {
    const script = [
      "import http.client",
      `c = http.client.HTTPConnection("127.0.0.1", ${server.port}, source_address=("${alpha.address}", 0))`,
      'c.request("GET", "/latest/meta-data/instance-id")',
      'print(c.getresponse().read().decode(), end="")'
    ].join("\n")

    const python = await runPython(script)

    expect([python.code, python.stdout, python.stderr]).toEqual([0, alpha.id, ""])
    const journal = JSON.parse((await rawRequest(`${server.adminUrl}/v1/journal?mode=normal&limit=10000`)).text) as {
      entries: ReadonlyArray<JournalEntry>
    }
    const mine = journal.entries.filter((e) => e.process?.pid === python.pid)
    expect(mine.map((e) => [e.instanceId, e.path, e.status, e.processMiss, e.process?.ppid])).toEqual([
      [alpha.id, "/latest/meta-data/instance-id", 200, null, process.pid]
    ])
    expect(mine[0]?.process?.cmdline).toMatch(/^\S*python[\d.]* -c import http\.client/)
  })

  it("a peer bound to no instance is refused with 403", async () => {
    const res = await from("127.0.0.1", "/latest/meta-data/instance-id")

    assert.deepStrictEqual([res.status, res.text], [403, "Forbidden"])
  })

  it("a token PUT returns a printable token that reads metadata", async () => {
    const token = await tokenFor(alpha.address, "21600")
    const res = await from(alpha.address, "/latest/meta-data/instance-id", { headers: { [tokenHeader]: token } })

    assert.match(token, /^[\x21-\x7e]{1,256}$/)
    assert.deepStrictEqual([res.status, res.text], [200, alpha.id])
    assert.strictEqual(res.headers["content-type"], "text/plain")
  })

  it("a token copied to another instance is refused with 401", async () => {
    const alphaToken = await tokenFor(alpha.address)
    const betaToken = await tokenFor(beta.address)

    const onBeta = await from(beta.address, "/latest/meta-data/instance-id", { headers: { [tokenHeader]: alphaToken } })
    const onAlpha = await from(alpha.address, "/latest/meta-data/instance-id", {
      headers: { [tokenHeader]: betaToken }
    })

    assert.deepStrictEqual([onBeta.status, onBeta.text], [401, "Unauthorized"])
    assert.deepStrictEqual([onAlpha.status, onAlpha.text], [401, "Unauthorized"])
  })

  it("with HttpTokens=required a token-less GET is 403 while the token PUT still succeeds", async () => {
    const res = await from(beta.address, "/latest/meta-data/instance-id")

    assert.deepStrictEqual([res.status, res.text], [403, "Forbidden"])
    assert.isNotEmpty(await tokenFor(beta.address))
  })

  it("refuses bad token requests with 400, 403 and 401 as documented", async () => {
    const put = (headers: Record<string, string>) =>
      from(alpha.address, "/latest/api/token", { method: "PUT", headers })
    const statuses = {
      ttlTooLong: (await put({ [ttlHeader]: "21700" })).status,
      ttlZero: (await put({ [ttlHeader]: "0" })).status,
      ttlMissing: (await put({})).status,
      forwarded: (await put({ [ttlHeader]: "60", "X-Forwarded-For": "203.0.113.7" })).status,
      forwardedBadTtl: (await put({ [ttlHeader]: "21700", "X-Forwarded-For": "203.0.113.7" })).status,
      badToken: (await from(alpha.address, "/latest/meta-data/", { headers: { [tokenHeader]: "aaa" } })).status
    }

    assert.deepStrictEqual(statuses, {
      ttlTooLong: 400,
      ttlZero: 400,
      ttlMissing: 400,
      forwarded: 403,
      forwardedBadTtl: 403,
      badToken: 401
    })
  })

  it("answers a wrong method with 405 and an unknown path with 404", async () => {
    const post = await from(alpha.address, "/latest/meta-data/instance-id", { method: "POST" })
    const getToken = await from(alpha.address, "/latest/api/token")
    const missing = await from(alpha.address, "/latest/meta-data/no-such-item")

    assert.deepStrictEqual([post.status, post.text], [405, "Method Not Allowed"])
    assert.strictEqual(getToken.status, 405)
    assert.deepStrictEqual([missing.status, missing.text], [404, "Not Found"])
  })

  it("serves the RAM credential JSON byte for byte as the core renders the role's series", async () => {
    const res = await from(alpha.address, `/latest/meta-data/ram/security-credentials/${alpha.role}`)

    const times = /"Expiration" : "([^"]+)",[\s\S]*"LastUpdated" : "([^"]+)"/.exec(res.text)
    assert.isNotNull(times, res.text)
    const expirationMs = Date.parse(times![1]!)
    const lastUpdatedMs = Date.parse(times![2]!)
    assert.strictEqual(res.status, 200)
    assert.strictEqual(res.text, renderCredentials({ ...firstCredential, lastUpdatedMs, expirationMs }, true))
    assert.strictEqual(expirationMs - lastUpdatedMs, sixHoursMs)
    // The series is anchored when the process loads the fleet (timestamps have whole seconds).
    assert.isAtLeast(lastUpdatedMs, Math.floor(startedAt / 1000) * 1000)
    assert.isAtMost(lastUpdatedMs, Date.now())
  })

  it("refuses a token with 401 once the admin plane moves the virtual clock past its TTL", async () => {
    const token = await tokenFor(alpha.address, "60")
    const read = () => from(alpha.address, "/latest/meta-data/instance-id", { headers: { [tokenHeader]: token } })
    const advance = (by: string) =>
      rawRequest(`${server.adminUrl}/v1/clock/advance`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ by })
      })
    try {
      assert.strictEqual((await advance("59s")).status, 200)
      const before = await read()
      assert.strictEqual((await advance("1s")).status, 200)
      const after = await read()

      assert.strictEqual(before.status, 200)
      assert.deepStrictEqual([after.status, after.text], [401, "Unauthorized"])
    } finally {
      await rawRequest(`${server.adminUrl}/v1/clock/reset`, { method: "POST" })
    }
  })

  it("streams the console's series live over the admin listener as requests are counted", async () => {
    const res = await fetch(`${server.adminUrl}/v1/series/stream?instance=${beta.id}&metrics=tokensIssued`)
    assert.strictEqual(res.status, 200)
    assert.include(res.headers.get("content-type") ?? "", "text/event-stream")
    const events = readEvents(res, 2)
    await tokenFor(beta.address)
    const [first, second] = await events
    assert.strictEqual(first?.event, "series")
    assert.strictEqual(second?.event, "series")
    assert.strictEqual(second?.data.totals.tokensIssued, first?.data.totals.tokensIssued + 1)
  })

  it("answers HEAD with the GET's status and headers but no body", async () => {
    const head = await from(alpha.address, "/latest/meta-data/instance-id", { method: "HEAD" })
    const missing = await from(alpha.address, "/latest/meta-data/no-such-item", { method: "HEAD" })

    assert.strictEqual(head.status, 200)
    assert.strictEqual(head.body.length, 0)
    assert.strictEqual(head.headers["content-type"], "text/plain")
    assert.strictEqual(missing.status, 404)
    assert.strictEqual(missing.body.length, 0)
  })

  it("stops on SIGTERM with exit code 0 and closes both ports, even with an idle keep-alive client", async () => {
    const agent = new http.Agent({ keepAlive: true })
    const res = await from(alpha.address, "/latest/meta-data/instance-id", { agent })
    assert.strictEqual(res.status, 200)
    assert.lengthOf(Object.values(agent.freeSockets).flat(), 1)

    const exit = await server.stop("SIGTERM", 10_000)
    agent.destroy()

    assert.deepStrictEqual(exit, { code: 0, signal: null })
    assert.strictEqual(await connectOutcome(server.port), "ECONNREFUSED")
    assert.strictEqual(await connectOutcome(server.adminPort), "ECONNREFUSED")
    assert.include(server.output().stderr, '"message":"stopped"')
  })
})

const isJson = (line: string): boolean => {
  try {
    JSON.parse(line)
    return true
  } catch {
    return false
  }
}

/** How a request ended: its status, or the socket error code when the server dropped the connection. */
const outcomeOf = (url: string, timeoutMs = 5000): Promise<string> =>
  rawRequest(url, { timeoutMs }).then(
    (res) => `status ${res.status}`,
    (e: NodeJS.ErrnoException) => e.code ?? e.message
  )

describe.each(["node", "bun"] as const)("the %s listener", (runtime: RuntimeName) => {
  it("serves on ::1 and prints the address bracketed", async () => {
    const server = await spawnServer(runtime, { args: ["--host", "::1"] })
    try {
      const res = await rawRequest(`${server.dataUrl}/latest/meta-data/instance-id`)

      assert.match(server.dataUrl, /^http:\/\/\[::1\]:\d+$/)
      assert.deepStrictEqual([res.status, res.text], [200, server.defaultInstanceId])
    } finally {
      await server.stop()
    }
  })

  it("drops a connection on a reset without writing anything but JSON lines to its log", async () => {
    const server = await spawnServer(runtime, {
      options: { httpEndpoint: "disabled", behaviour: { disabledEndpoint: "reset" } }
    })

    const outcome = await outcomeOf(`${server.dataUrl}/latest/meta-data/instance-id`)
    const exit = await server.stop()

    assert.strictEqual(outcome, "ECONNRESET")
    assert.deepStrictEqual(exit, { code: 0, signal: null })
    const lines = server.output().stderr.trimEnd().split("\n")
    for (const line of lines) assert.isTrue(isJson(line), `not a JSON log line: ${line}`)
  })
})

// Bun times out a connection idle for 10 s by default (checked on a ~4 s tick), which would answer a black hole
// early with an empty reply. The hold here outlasts that window on both runtimes at once.
it("holds a black-holed request for the configured time on both runtimes, then drops it", async () => {
  const holdMs = 15_000
  const servers = await Promise.all(
    (["node", "bun"] as const).map((runtime) =>
      spawnServer(runtime, {
        options: { httpEndpoint: "disabled", behaviour: { disabledEndpoint: "blackhole", blackholeMaxMs: holdMs } }
      })
    )
  )
  try {
    const started = Date.now()
    const outcomes = await Promise.all(
      servers.map(async (server) => {
        const outcome = await outcomeOf(`${server.dataUrl}/latest/meta-data/instance-id`, holdMs + 10_000)
        return { runtime: server.runtime, outcome, held: Date.now() - started >= holdMs - 500 }
      })
    )

    assert.deepStrictEqual(outcomes, [
      { runtime: "node", outcome: "ECONNRESET", held: true },
      { runtime: "bun", outcome: "ECONNRESET", held: true }
    ])
  } finally {
    await Promise.all(servers.map((server) => server.stop()))
  }
}, 90_000)
