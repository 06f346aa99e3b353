// `--state FILE` (startServer's statePath) in process: every run-time change survives a stop and a start, tokens keep
// (or lose) their validity across it, the file is written before an admin change is answered, reset and reload treat
// it as documented, and a file that cannot be used stops the start with one line and is never overwritten.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, watch, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { decodeFleetResult, type FleetConfig, type IdentityPem } from "@aliyun-imds/core"
import { Result } from "effect"
import { afterAll, describe, expect, it } from "vitest"
import type { ServerOptions } from "../src/ServerOptions.ts"
import { type RunningServer, startServer } from "../src/startServer.ts"
import { tokenHeader, ttlHeader } from "./support/dataPlane.ts"
import { rawRequest } from "./support/http.ts"

const dir = mkdtempSync(join(tmpdir(), "aliyun-imds-state-"))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
let files = 0
const freshPath = () => join(dir, `state-${++files}.json`)

const fleetOf = (text: string): FleetConfig => {
  const result = decodeFleetResult(text, "yaml")
  if (Result.isFailure(result)) throw new Error(result.failure.message)
  return result.success
}
const twoInstances = `version: 1
seed: state-test
instances:
  - instanceId: i-one
    ramRole: { name: OneRole }
  - instanceId: i-two
    sourceAddresses: ["127.0.0.2"]
`

/** Identity material made once for the file (generating RSA keys per start would only slow the tests down). */
let identity: IdentityPem | undefined

const start = async (statePath: string, options: ServerOptions = {}): Promise<RunningServer> => {
  const server = await startServer({
    port: 0,
    adminPort: 0,
    logLevel: "silent",
    ...(options.configPath === undefined ? { fleet: fleetOf(twoInstances) } : {}),
    statePath,
    stateFlushSeconds: 3600,
    ...(identity === undefined ? {} : { identity }),
    ...options
  })
  identity ??= await server.effectRuntime.runPromise(server.services.identity.exportPem)
  return server
}

// biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary admin JSON shapes
const admin = async (server: RunningServer, method: string, path: string, body?: unknown): Promise<any> => {
  const res = await fetch(`${server.adminUrl}${path}`, {
    method,
    ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { "content-type": "application/json" } })
  })
  const text = await res.text()
  const json = text.startsWith("{") ? JSON.parse(text) : { text }
  return { status: res.status, ...json }
}

/** A read of the data plane as the instance at `from` (a loopback source address). */
const read = async (server: RunningServer, path: string, token?: string, from = "127.0.0.1") => {
  const res = await rawRequest(`${server.dataUrl}${path}`, {
    localAddress: from,
    headers: token === undefined ? {} : { [tokenHeader]: token }
  })
  return { status: res.status, text: res.text }
}

const tokenFor = async (server: RunningServer, ttl: number, from = "127.0.0.1") => {
  const res = await rawRequest(`${server.dataUrl}/latest/api/token`, {
    method: "PUT",
    localAddress: from,
    headers: { [ttlHeader]: String(ttl) }
  })
  expect(res.status).toBe(200)
  return res.text
}

const withoutRequestId = ({ RequestId: _, ...rest }: { RequestId?: string }) => rest

/** What the admin API says about everything that persists, for comparing before and after a restart. */
const views = async (server: RunningServer) => {
  const paths = [
    "/v1/instances",
    "/v1/metadata-options",
    "/v1/clock",
    "/v1/instances/i-one/role/credentials",
    "/v1/instances/i-three/role",
    "/v1/instances/i-three/events",
    "/v1/instances/i-one/render/latest/meta-data/instance/spot/termination-time",
    "/v1/instances/i-one/render/latest/meta-data/hostname",
    "/v1/throttle",
    "/v1/faults",
    "/v1/counters",
    "/v1/identity/certificate"
  ]
  return Object.fromEntries(
    await Promise.all(paths.map(async (p) => [p, withoutRequestId(await admin(server, "GET", p))] as const))
  )
}

describe("--state: what survives a restart", () => {
  it("every run-time change: options, instances, items, roles, clock, spot, events, rules, counters, keys, identity", async () => {
    const path = freshPath()
    const first = await start(path)
    expect((await admin(first, "POST", "/v1/metadata-options", { HttpTokens: "required" })).status).toBe(200)
    await admin(first, "POST", "/v1/instances", { instanceId: "i-three", sourceAddresses: ["127.0.0.3"] })
    await admin(first, "DELETE", "/v1/instances/i-two")
    await admin(first, "PUT", "/v1/instances/i-one/metadata/hostname", { value: "web-7" })
    await admin(first, "POST", "/v1/instances/i-one/role/rotate")
    await admin(first, "POST", "/v1/instances/i-three/role", { name: "ThreeRole", validitySeconds: 3600 })
    await admin(first, "POST", "/v1/clock/advance", { by: "1h" })
    await admin(first, "POST", "/v1/clock/freeze")
    await admin(first, "POST", "/v1/instances/i-one/spot", { in: "2m" })
    await admin(first, "POST", "/v1/instances/i-three/events", { eventType: "SystemMaintenance.Reboot", in: "1h" })
    await admin(first, "PUT", "/v1/throttle", { ratePerSecond: 1000, burst: 1000 })
    await admin(first, "POST", "/v1/faults", {
      pathPrefix: "/latest/meta-data/nothing",
      action: { type: "status", status: 503 },
      times: 2
    })
    const token = await tokenFor(first, 21_600)
    expect((await read(first, "/latest/meta-data/nothing-here", token)).status).toBe(503)
    expect((await read(first, "/latest/meta-data/instance-id")).status).toBe(403)
    const before = await views(first)
    await first.stop()

    const second = await start(path)
    try {
      expect(await views(second)).toEqual(before)
      expect(await read(second, "/latest/meta-data/instance-id", token)).toEqual({ status: 200, text: "i-one" })
      expect((await read(second, "/latest/meta-data/instance-id", undefined, "127.0.0.3")).status).toBe(403)
      expect((await read(second, "/latest/meta-data/instance-id", undefined, "127.0.0.2")).status).toBe(403)
      expect((await read(second, "/latest/meta-data/ram/security-credentials/", token)).text).toBe("OneRole")
      expect((await read(second, "/latest/meta-data/nothing-here", token)).status).toBe(503)
      expect((await read(second, "/latest/meta-data/nothing-here", token)).status).toBe(404)
      const added = await admin(second, "POST", "/v1/instances", { instanceId: "i-four" })
      expect(added.metadataOptions.HttpTokens).toBe("required")
    } finally {
      await second.stop()
    }
  })

  it("a token issued before a restart works after it; one expired or issued before revoke-tokens does not", async () => {
    const path = freshPath()
    const first = await start(path)
    const short = await tokenFor(first, 60)
    const long = await tokenFor(first, 21_600)
    await admin(first, "POST", "/v1/clock/advance", { by: "61s" })
    await first.stop()

    const second = await start(path)
    expect((await read(second, "/latest/meta-data/instance-id", long)).status).toBe(200)
    expect((await read(second, "/latest/meta-data/instance-id", short)).status).toBe(401)
    const revoked = await tokenFor(second, 21_600)
    expect((await admin(second, "POST", "/v1/tokens/revoke")).status).toBe(200)
    const after = await tokenFor(second, 21_600)
    await second.stop()

    const third = await start(path)
    try {
      expect((await read(third, "/latest/meta-data/instance-id", revoked)).status).toBe(401)
      expect((await read(third, "/latest/meta-data/instance-id", long)).status).toBe(401)
      expect((await read(third, "/latest/meta-data/instance-id", after)).status).toBe(200)
    } finally {
      await third.stop()
    }
  })

  it("keeps the generated identity certificate; an --identity file still wins and is still written", async () => {
    const path = freshPath()
    const first = await startServer({ port: 0, adminPort: 0, logLevel: "silent", statePath: path })
    const certificate = (await admin(first, "GET", "/v1/identity/certificate")).text
    expect(certificate).toContain("BEGIN CERTIFICATE")
    await first.stop()
    expect(JSON.parse(readFileSync(path, "utf8")).identity.certificatePem).toBe(certificate)
    const identityPath = join(dir, "identity.json")
    const second = await startServer({ port: 0, adminPort: 0, logLevel: "silent", statePath: path, identityPath })
    expect((await admin(second, "GET", "/v1/identity/certificate")).text).toBe(certificate)
    await second.stop()
    expect(JSON.parse(readFileSync(identityPath, "utf8")).certificatePem).toBe(certificate)
    writeFileSync(identityPath, JSON.stringify(identity))
    const third = await startServer({ port: 0, adminPort: 0, logLevel: "silent", statePath: path, identityPath })
    try {
      expect((await admin(third, "GET", "/v1/identity/certificate")).text).toBe(identity?.certificatePem)
    } finally {
      await third.stop()
    }
    expect(JSON.parse(readFileSync(path, "utf8")).identity.certificatePem).toBe(identity?.certificatePem)
  })
})

describe("--state: when the file is written", () => {
  const fileOf = (path: string) => JSON.parse(readFileSync(path, "utf8"))

  /** Resolves once the state file, as renamed into place, satisfies `holds`: woken by the directory's changes, no polling. */
  const fileWhere = (path: string, holds: (file: ReturnType<typeof fileOf>) => boolean) =>
    new Promise<void>((resolve) => {
      const watcher = watch(join(path, ".."), () => check())
      const check = () => {
        try {
          if (!holds(fileOf(path))) return
        } catch {
          return // between the unlink and the rename of a write: the next event comes
        }
        watcher.close()
        resolve()
      }
      check()
    })

  it("holds an admin change by the time its answer arrives", async () => {
    const path = freshPath()
    const server = await start(path)
    try {
      await admin(server, "POST", "/v1/instances/i-two/metadata-options", { HttpTokens: "required" })
      expect(fileOf(path).fleet.instances["i-two"].changes).toEqual({ metadataOptions: { HttpTokens: "required" } })
      await admin(server, "PUT", "/v1/throttle", { target: "i-two", ratePerSecond: 2, burst: 3 })
      expect(fileOf(path).throttle).toEqual({ "i-two": { ratePerSecond: 2, burst: 3 } })
    } finally {
      await server.stop()
    }
  })

  it("holds the counters after every flush interval and at shutdown", async () => {
    const path = freshPath()
    const server = await start(path, { stateFlushSeconds: 0.05 })
    await read(server, "/latest/meta-data/instance-id")
    // The periodic flush (every 50 ms here) writes the count without any admin change; the test's timeout bounds it.
    await fileWhere(path, (file) => file.counters["i-one"]?.normalOk === 1)
    expect(fileOf(path).counters["i-one"].normalOk).toBe(1)
    await server.stop()

    const slow = await start(path)
    await read(slow, "/latest/meta-data/instance-id")
    expect(fileOf(path).counters["i-one"].normalOk).toBe(1)
    await slow.stop()
    expect(fileOf(path).counters["i-one"].normalOk).toBe(2)
  })

  it("reset clears the run-time fleet changes in the file; reset --all also the rules, clock and counters", async () => {
    const path = freshPath()
    const server = await start(path)
    try {
      await admin(server, "POST", "/v1/instances/i-two/metadata-options", { HttpTokens: "required" })
      await admin(server, "PUT", "/v1/throttle", { ratePerSecond: 2, burst: 3 })
      await admin(server, "POST", "/v1/clock/advance", { by: "1h" })
      await read(server, "/latest/meta-data/instance-id")
      await admin(server, "POST", "/v1/reset")
      expect(fileOf(path).fleet.instances["i-two"]).toBeUndefined()
      expect(fileOf(path).throttle).toEqual({ "*": { ratePerSecond: 2, burst: 3 } })
      await admin(server, "POST", "/v1/reset", { all: true })
      const file = fileOf(path)
      expect([file.throttle, file.clock, file.counters]).toEqual([{}, { offsetMs: 0, frozenAtMs: null }, {}])
    } finally {
      await server.stop()
    }
  })

  it("answers a change it cannot save with 500 InternalError.StateNotSaved, and the change still holds", async () => {
    const sub = join(dir, "vanishing")
    mkdirSync(sub)
    const server = await start(join(sub, "state.json"))
    try {
      rmSync(sub, { recursive: true })
      const r = await admin(server, "POST", "/v1/instances/i-two/metadata-options", { HttpTokens: "required" })
      expect([r.status, r.Code]).toEqual([500, "InternalError.StateNotSaved"])
      expect(r.Message).toMatch(/^The change is in force but the state was not saved: cannot write .*ENOENT\.$/)
      expect((await read(server, "/latest/meta-data/instance-id", undefined, "127.0.0.2")).status).toBe(403)
    } finally {
      await server.stop()
    }
  })
})

describe("--state with a changed fleet", () => {
  it("reload keeps the run-time changes that still apply and logs the ones it drops", async () => {
    const fleetPath = join(dir, "reload-fleet.yaml")
    writeFileSync(fleetPath, twoInstances)
    const lines: Array<string> = []
    const server = await start(freshPath(), {
      configPath: fleetPath,
      logLevel: "warn",
      logSink: (l) => lines.push(l)
    })
    try {
      await admin(server, "POST", "/v1/metadata-options", { HttpTokens: "required" })
      writeFileSync(fleetPath, twoInstances.replace(/ {2}- instanceId: i-two\n.*\n/, ""))
      expect((await admin(server, "POST", "/v1/reload")).instanceCount).toBe(1)
      expect((await read(server, "/latest/meta-data/instance-id")).status).toBe(403)
      expect(lines.map((l) => JSON.parse(l))).toMatchObject([
        { level: "warn", message: "run-time change dropped on reload: it no longer applies", entry: "instances.i-two" }
      ])
    } finally {
      await server.stop()
    }
  })

  it("a restart with another fleet file applies what still fits and logs each entry it drops", async () => {
    const path = freshPath()
    const first = await start(path)
    await admin(first, "POST", "/v1/metadata-options", { HttpTokens: "required" })
    await admin(first, "PUT", "/v1/throttle", { target: "i-two", ratePerSecond: 2, burst: 3 })
    await first.stop()
    const lines: Array<string> = []
    const second = await start(path, {
      fleet: fleetOf(twoInstances.replace("i-two", "i-other")),
      logLevel: "warn",
      logSink: (l) => lines.push(l)
    })
    try {
      expect((await read(second, "/latest/meta-data/instance-id")).status).toBe(403)
      expect((await read(second, "/latest/meta-data/instance-id", undefined, "127.0.0.2")).status).toBe(200)
      expect(lines.map((l) => JSON.parse(l))).toMatchObject([
        {
          message: "state entry dropped: it no longer applies",
          entry: "fleet.instances.i-two",
          reason: "instance-gone"
        },
        { message: "state entry dropped: it no longer applies", entry: "throttle.i-two", reason: "instance-gone" }
      ])
    } finally {
      await second.stop()
    }
  })
})

describe("--state: a file that cannot be used", () => {
  const refusal = async (content: string | null, options: ServerOptions = {}) => {
    const path = freshPath()
    if (content !== null) writeFileSync(path, content)
    const error = await start(path, options).then(
      async (s) => {
        await s.stop()
        return null
      },
      (e: Error) => e
    )
    return { path, error, after: content === null ? null : readFileSync(path, "utf8") }
  }
  const way = "start with --state-reset to move it aside and start fresh"

  it("stops the start naming the file, the problem and --state-reset, and leaves the file as it was", async () => {
    const valid = readFileSync(
      await (async () => {
        const path = freshPath()
        await (await start(path)).stop()
        return path
      })(),
      "utf8"
    )
    const cases: ReadonlyArray<readonly [string, string, RegExp]> = [
      ["empty", "", /is corrupt \(\(file\): not JSON \(the file is empty\); a write cut short\?\)/],
      ["truncated", valid.slice(0, 200), /is corrupt \(\(file\): not JSON \(.+\); a write cut short\?\)/],
      ["not JSON", "hello", /is corrupt \(\(file\): not JSON/],
      [
        "a wrong field",
        valid.replace('"offsetMs": 0', '"offsetMs": "soon"'),
        /is corrupt \(clock\.offsetMs: expected number, got "soon"\)/
      ],
      [
        "a newer version",
        valid.replace('"version": 1', '"version": 2'),
        /was written by a newer aliyun-imds \(state version 2; this one reads version 1\); run that version, or start with --state-reset/
      ]
    ]
    for (const [name, content, message] of cases) {
      const { path, error, after } = await refusal(content)
      expect(error?.name, name).toBe("StartupError")
      expect(error?.message, name).toMatch(message)
      expect(error?.message, name).toContain(`state file ${path} `)
      expect(error?.message, name).toContain(way)
      expect(error?.message, name).not.toContain("\n")
      expect(after, name).toBe(content)
      expect(existsSync(`${path}.lock`), name).toBe(false)
    }
  })

  it("names an unreadable file (a directory here) with its error", async () => {
    const path = freshPath()
    mkdirSync(path)
    const error = await start(path).catch((e: Error) => e)
    expect((error as Error).message).toBe(
      `state file ${path} cannot be read (EISDIR); fix that, or ${way} (as ${path}.corrupt-<time>)`
    )
  })

  it("--state-reset moves a bad file aside as FILE.corrupt-<time>, starts fresh and says so; a good file is kept", async () => {
    const lines: Array<string> = []
    const path = freshPath()
    writeFileSync(path, '{"version": 1, "fleet": ')
    const server = await start(path, { stateReset: true, logLevel: "warn", logSink: (l) => lines.push(l) })
    await admin(server, "POST", "/v1/instances/i-two/metadata-options", { HttpTokens: "required" })
    await server.stop()
    const aside = readdirSync(dir).filter((n) => n.startsWith(`${path.split("/").pop()}.corrupt-`))
    expect(aside).toHaveLength(1)
    expect(aside[0]).toMatch(/\.corrupt-\d{8}T\d{6}Z$/)
    expect(readFileSync(join(dir, aside[0]!), "utf8")).toBe('{"version": 1, "fleet": ')
    expect(JSON.parse(lines[0]!)).toMatchObject({
      level: "warn",
      message: "moved the state file aside (--state-reset) and started fresh",
      file: path,
      movedTo: join(dir, aside[0]!)
    })
    const again = await start(path, { stateReset: true })
    try {
      expect((await read(again, "/latest/meta-data/instance-id", undefined, "127.0.0.2")).status).toBe(403)
    } finally {
      await again.stop()
    }
  })
})

describe("--state: one emulator per file", () => {
  it("a second server on the same file refuses to start; after the first stops, it starts", async () => {
    const path = freshPath()
    const first = await start(path)
    const error = await start(path).catch((e: Error) => e)
    expect((error as Error).message).toBe(
      `state file ${path} is in use by another emulator (pid ${process.pid}, lock file ${path}.lock); stop that ` +
        "emulator, or give this one another --state file (if none is running, delete the lock file)"
    )
    await first.stop()
    expect(existsSync(`${path}.lock`)).toBe(false)
    await (await start(path)).stop()
  })

  it("takes over the lock of a process that is gone", async () => {
    const path = freshPath()
    writeFileSync(`${path}.lock`, JSON.stringify({ pid: 2 ** 22 + 1, host: (await import("node:os")).hostname() }))
    const server = await start(path)
    expect(JSON.parse(readFileSync(`${path}.lock`, "utf8")).pid).toBe(process.pid)
    await server.stop()
    expect(existsSync(`${path}.lock`)).toBe(false)
  })
})
