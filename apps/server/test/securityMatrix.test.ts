// The security promise as one table: every path class × method × HttpTokens × HttpEndpoint × token state, on every
// way a request reaches the data plane. Each cell's status comes from an oracle written from the spec's rules
// (support/matrix/oracle.ts), and each 200 must carry exactly what the core renderer gives for that path.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Identity, type IdentityPem, identityDocument, resolve } from "@aliyun-imds/core"
import { Effect } from "effect"
import { afterAll, assert, beforeAll, describe, it } from "vitest"
import { fleetYaml, frozenAt, instanceA, issuedAt, pathClasses, shortTtlSeconds } from "./support/matrix/fixture.ts"
import {
  type Cell,
  type Expected,
  expectedOf,
  type HttpEndpoint,
  type HttpTokens,
  methods,
  routedPath,
  type TokenKind,
  tokenKinds,
  ttlOf
} from "./support/matrix/oracle.ts"
import {
  bunListener,
  type InProcess,
  inProcess,
  nodeListener,
  type Setup,
  type Transport,
  type Way
} from "./support/matrix/transports.ts"

const ttlHeader = "x-aliyun-ecs-metadata-token-ttl-seconds"
const tokenHeader = "x-aliyun-ecs-metadata-token"

/** Every way a request reaches the data plane. The msw handlers (issue 14) are one more entry here. */
const transports: ReadonlyArray<Way> = [
  { name: "in-process app.fetch", start: inProcess },
  { name: "Node listener", start: nodeListener },
  { name: "Bun listener", start: bunListener }
]

const modes: ReadonlyArray<readonly [HttpTokens, HttpEndpoint]> = [
  ["optional", "enabled"],
  ["required", "enabled"],
  ["optional", "disabled"],
  ["required", "disabled"]
]

const cellsOf = (httpTokens: HttpTokens, httpEndpoint: HttpEndpoint): ReadonlyArray<Cell> =>
  pathClasses.flatMap((path) =>
    methods.flatMap((method) => tokenKinds.map((token) => ({ path, method, httpTokens, httpEndpoint, token })))
  )

/** Flips one character inside the MAC (not the last, whose low bits may be padding), keeping the length. */
const tamper = (token: string): string => {
  const i = token.length - 10
  return token.slice(0, i) + (token[i] === "A" ? "B" : "A") + token.slice(i + 1)
}

const mint = async (t: Transport, peer: "A" | "B", ttl: number): Promise<string> => {
  const reply = await t.send(peer, "PUT", "/latest/api/token", { [ttlHeader]: String(ttl) })
  if (reply.status !== 200) throw new Error(`the token PUT from ${peer} answered ${reply.status}`)
  return reply.body.toString("latin1")
}

/** The same world on every transport, through the admin API only: the clock frozen, roles re-anchored at
 * `issuedAt`, a spot reclaim and a system event scheduled. */
const prepareWorld = async (t: Transport): Promise<void> => {
  // Frozen first, so that setting it pins the instant exactly (a running clock moves on between the two calls).
  await t.admin("POST", "/v1/clock/freeze")
  await t.admin("POST", "/v1/clock/set", { to: issuedAt })
  await t.admin("POST", "/v1/reset", {})
  await t.admin("POST", `/v1/instances/${instanceA}/spot`, { at: issuedAt + 86_400_000 })
  await t.admin("POST", `/v1/instances/${instanceA}/events`, {
    eventType: "SystemMaintenance.Reboot",
    notBefore: issuedAt + 2 * 86_400_000
  })
}

/**
 * The token each cell carries, minted through the data plane at `issuedAt`; the clock is then set to the short
 * token's exact expiry. Done inside each test, so that what it runs of the data plane belongs to that test.
 */
const mintTokens = async (t: Transport): Promise<Readonly<Record<TokenKind, Record<string, string>>>> => {
  await t.admin("POST", "/v1/clock/set", { to: issuedAt })
  const valid = await mint(t, "A", 21_600)
  const expired = await mint(t, "A", shortTtlSeconds)
  const foreign = await mint(t, "B", 21_600)
  await t.admin("POST", "/v1/clock/set", { to: frozenAt })
  const withToken = (token: string) => ({ [tokenHeader]: token })
  return {
    none: {},
    valid: withToken(valid),
    expired: withToken(expired),
    foreign: withToken(foreign),
    tampered: withToken(tamper(valid)),
    malformed: withToken("aaa"),
    forwarded: { "x-forwarded-for": "10.0.0.1" }
  }
}

/** What instance A's data plane must send for `target` at the frozen instant, rendered by the core. */
const renderedBody = async (mirror: InProcess, target: string): Promise<Buffer> => {
  const state = mirror.services.fleet.getUnsafe(instanceA)!
  const url = new URL(`http://imds${target}`)
  const query = url.search === "" ? null : url.searchParams
  const ctx = {
    now: frozenAt,
    wire: mirror.services.fleet.wireUnsafe(),
    credentialSecret: mirror.services.fleet.credentialSecret
  }
  const resolved = resolve(state, routedPath(target), query, ctx)
  if (resolved._tag === "NotFound") throw new Error(`the fixture says ${target} exists, the renderer does not`)
  if (resolved._tag === "Body") return Buffer.from(resolved.body)
  const signed = mirror.services.identity.sign(identityDocument(state.instance), resolved.audience)
  return Buffer.from(await mirror.runtime.runPromise(signed))
}

const describeCell = (c: Cell) => `${c.method} ${c.path.target} [${c.path.name}] token=${c.token}`

/** A cell's headers: its TTL (only the token PUT reads one) and what its token state carries. */
const requestHeaders = (cell: Cell, carried: Record<string, string>): Record<string, string> => {
  const ttl = ttlOf(cell.path)
  return ttl === null ? { ...carried } : { [ttlHeader]: ttl, ...carried }
}

/** Runs the cells with a few requests in flight; one line per cell that did not answer as expected, in table order. */
const mismatches = async (
  t: Transport,
  cells: ReadonlyArray<Cell>,
  headers: Readonly<Record<TokenKind, Record<string, string>>>,
  bodies: ReadonlyMap<string, Buffer>
): Promise<ReadonlyArray<string>> => {
  const found: Array<string | null> = []
  const check = async (cell: Cell, index: number) => {
    const reply = await t.send("A", cell.method, cell.path.target, requestHeaders(cell, headers[cell.token]))
    const problem = await problemOf(t, cell, expectedOf(cell), reply, bodies)
    found[index] = problem === null ? null : `${describeCell(cell)}: ${problem}`
  }
  for (let i = 0; i < cells.length; i += 8) {
    await Promise.all(cells.slice(i, i + 8).map((cell, j) => check(cell, i + j)))
  }
  return found.filter((line) => line !== null)
}

const problemOf = async (
  t: Transport,
  cell: Cell,
  expected: Expected,
  reply: Awaited<ReturnType<Transport["send"]>>,
  bodies: ReadonlyMap<string, Buffer>
): Promise<string | null> => {
  if (reply.status !== expected.status) return `expected ${expected.status}, got ${reply.status}`
  if (expected.allow !== undefined && reply.allow !== expected.allow) {
    return `expected Allow: ${expected.allow}, got ${reply.allow}`
  }
  if (expected.body === "token") {
    const token = reply.body.toString("latin1")
    if (!/^[A-Za-z0-9_-]{1,256}$/.test(token)) return `not a token: ${JSON.stringify(token)}`
    const read = await t.send("A", "GET", "/latest/meta-data/instance-id", { [tokenHeader]: token })
    return read.status === 200 && read.body.toString() === instanceA ? null : `the token reads ${read.status}`
  }
  if (expected.body === "metadata") {
    const body = bodies.get(cell.path.target)!
    if (cell.method === "HEAD") {
      if (reply.body.length !== 0) return `HEAD sent a body of ${reply.body.length} bytes`
      return reply.contentLength === String(body.length) ? null : `HEAD Content-Length ${reply.contentLength}`
    }
    if (!reply.body.equals(body)) return `body differs from the renderer's: ${JSON.stringify(reply.body.toString())}`
  }
  return null
}

let setup: Setup
let dir: string
let mirror: InProcess
const bodies = new Map<string, Buffer>()
const counted: Array<string> = []

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "aliyun-imds-matrix-"))
  const configPath = join(dir, "fleet.yaml")
  writeFileSync(configPath, fleetYaml)
  const identity: IdentityPem = await Effect.runPromise(
    Effect.provide(
      Identity.use((i) => i.exportPem),
      Identity.layerGenerate
    )
  )
  setup = { configPath, identity }
  mirror = await inProcess(setup)
  await prepareWorld(mirror)
  await mirror.admin("POST", "/v1/clock/set", { to: frozenAt })
  for (const path of pathClasses) if (path.exists) bodies.set(path.target, await renderedBody(mirror, path.target))
})

afterAll(async () => {
  await mirror?.stop()
  rmSync(dir, { recursive: true, force: true })
  const perTransport = modes.length * cellsOf("optional", "enabled").length
  const each = counted.map((name) => `${name} ${perTransport}`).join(", ")
  console.log(`security matrix cells: ${each}; ${perTransport * counted.length} in all`)
})

describe.each(transports)("the security matrix on the $name", (way) => {
  let t: Transport

  beforeAll(async () => {
    t = await way.start(setup)
    await prepareWorld(t)
    counted.push(way.name)
  })
  afterAll(() => t?.stop())

  for (const [httpTokens, httpEndpoint] of modes) {
    it(`answers every cell as the spec says with HttpTokens=${httpTokens} and HttpEndpoint=${httpEndpoint}`, async () => {
      await t.admin("POST", `/v1/instances/${instanceA}/metadata-options`, { HttpEndpoint: "enabled" })
      const headers = await mintTokens(t)
      await t.admin("POST", `/v1/instances/${instanceA}/metadata-options`, {
        HttpTokens: httpTokens,
        HttpEndpoint: httpEndpoint
      })
      const wrong = await mismatches(t, cellsOf(httpTokens, httpEndpoint), headers, bodies)
      if (wrong.length > 0) {
        const where = `${way.name}, HttpTokens=${httpTokens}, HttpEndpoint=${httpEndpoint}`
        assert.fail(`${where}: ${wrong.length} cells answered wrongly:\n  ${wrong.join("\n  ")}`)
      }
    })
  }
})
