// The data plane's side paths, in-process: the health path, peers bound to no instance, what a disabled endpoint does
// besides 403 (reset, black hole), the throttle's Retry-After, fault rules by route with each terminal action, the
// versioned token path, token-path spellings, and the records every request leaves (journal, counters, debug log).
import type { JournalEntry } from "@aliyun-imds/core"
import { afterEach, describe, expect, it, vi } from "vitest"
import type { DataPlaneBehaviour } from "../src/ServerOptions.ts"
import { putToken, read, setOptions, strangerPeer, twoInstanceFleet } from "./support/dataPlane.ts"
import { type Harness, type HarnessOptions, makeHarness } from "./support/harness.ts"

const id = "/latest/meta-data/instance-id"
let h: Harness | undefined
afterEach(() => h?.dispose())

const harness = async (options: HarnessOptions = {}) => {
  h = await makeHarness(options)
  return h
}

const journal = async (x: Harness): Promise<ReadonlyArray<JournalEntry>> =>
  x.run(x.services.journal.query({ limit: 100 }))
const last = async (x: Harness) => (await journal(x)).at(-1)!
const counters = async (x: Harness) =>
  (await x.run(x.services.counters.snapshot(x.instanceId))).instances[x.instanceId]!

/** In-process, a dropped connection is Fetch's network error: a Response of type "error" and status 0. */
const dropped = (res: Response | null) => expect([res?.type, res?.status]).toEqual(["error", 0])

describe("the health path", () => {
  it("answers 200 with a JSON status on the metadata listener, outside the journal", async () => {
    const x = await harness()
    const res = await x.request("/_emulator/health")
    expect([res.status, res.headers.get("content-type"), await res.text()]).toEqual([
      200,
      "application/json",
      '{"status":"ok"}'
    ])
    expect(await journal(x)).toEqual([])
  })

  it("is an ordinary unknown path when turned off", async () => {
    const x = await harness({ behaviour: { healthPath: null } })
    expect((await x.request("/_emulator/health")).status).toBe(404)
  })
})

describe("records of a request", () => {
  it("journals the duration it took and adds it, in seconds, to the instance's latency", async () => {
    const x = await harness()
    const started = performance.now()
    await read(x, id)
    const elapsed = performance.now() - started
    const entry = await last(x)
    expect(entry.durationMs).toBeGreaterThanOrEqual(0)
    expect(entry.durationMs).toBeLessThanOrEqual(elapsed)
    const latency = (await counters(x)).latency
    expect(latency.count).toBe(1)
    expect(latency.sumSeconds).toBeLessThanOrEqual(elapsed / 1000)
  })

  it("journals a token PUT in mode none, and a peer bound to no instance as refused, with no instance", async () => {
    const x = await harness({ fleet: await twoInstanceFleet("refuse") })
    await putToken(x, "60", {}, { address: "127.0.0.2", port: 1 })
    expect(await last(x)).toMatchObject({ method: "PUT", mode: "none", status: 200 })
    await putToken(x, "0", {}, { address: "127.0.0.2", port: 1 })
    expect(await last(x)).toMatchObject({ method: "PUT", mode: "none", status: 400, reason: "InvalidTtl" })
    expect((await read(x, id, undefined, {}, strangerPeer)).status).toBe(403)
    expect(await last(x)).toMatchObject({ instanceId: null, mode: "none", status: 403, reason: "UnboundPeer" })
  })

  it("writes one debug line per request with its instance, method, status, mode and reason", async () => {
    const lines: Array<string> = []
    const x = await harness({ log: { level: "debug", sink: (line) => lines.push(line) } })
    await read(x, id)
    const line = JSON.parse(lines.at(-1)!)
    expect(line).toMatchObject({ level: "debug", message: "request", instanceId: x.instanceId, method: "GET" })
    expect(line).toMatchObject({ status: 200, mode: "normal", reason: null })
    expect(typeof line.durationMs).toBe("number")
  })
})

describe("a disabled endpoint that does not answer 403", () => {
  const disabled = async (disabledEndpoint: DataPlaneBehaviour["disabledEndpoint"]) => {
    const x = await harness({ behaviour: { disabledEndpoint } })
    await setOptions(x, { HttpEndpoint: "disabled" })
    return x
  }

  it("changes nothing while the endpoint is enabled", async () => {
    const x = await harness({ behaviour: { disabledEndpoint: "reset" } })
    expect((await read(x, id)).status).toBe(200)
    expect((await counters(x)).endpointDisabled).toBe(0)
  })

  it("resets the connection, and counts and journals why", async () => {
    const x = await disabled("reset")
    dropped(await read(x, id))
    expect(await last(x)).toMatchObject({ status: 0, reason: "EndpointDisabled" })
    expect((await counters(x)).endpointDisabled).toBe(1)
  })

  it("holds the request until the client gives up, then drops it", async () => {
    const x = await disabled("blackhole")
    const client = new AbortController()
    const pending = read(x, id, undefined, { signal: client.signal })
    await vi.waitFor(() => expect(x.holds.size).toBe(1))
    expect(await journal(x)).toEqual([])
    client.abort()
    dropped(await pending)
    expect(await last(x)).toMatchObject({ status: 0, reason: "EndpointDisabled" })
    expect((await counters(x)).endpointDisabled).toBe(1)
  })
})

describe("the throttle", () => {
  it("sends Retry-After in whole seconds, at least 1, and journals the refusal", async () => {
    const x = await harness()
    await x.run(x.services.clock.freeze)
    await x.run(x.services.throttle.set(x.instanceId, { ratePerSecond: 0.4, burst: 1 }))
    await read(x, id)
    const refused = await read(x, id)
    expect([refused.status, refused.headers.get("retry-after")]).toEqual([429, "3"])
    await x.run(x.services.throttle.set(x.instanceId, { ratePerSecond: 5, burst: 1 }))
    await read(x, id)
    expect((await read(x, id)).headers.get("retry-after")).toBe("1")
    expect(await last(x)).toMatchObject({ status: 429, reason: "Throttled" })
  })
})

describe("fault rules", () => {
  const addFault = (x: Harness, rule: Parameters<Harness["services"]["faults"]["table"]["add"]>[0]) =>
    x.services.faults.table.add(rule)

  it("match the token route or the metadata route as they say", async () => {
    const x = await harness()
    addFault(x, { route: "token", action: { type: "status", status: 503 } })
    expect([(await putToken(x, "60")).status, (await read(x, id)).status]).toEqual([503, 200])
    x.services.faults.table.clear()
    addFault(x, { route: "metadata", action: { type: "status", status: 502 } })
    expect([(await putToken(x, "60")).status, (await read(x, id)).status]).toEqual([200, 502])
  })

  it("answer with the rule's body when it has one, the status text otherwise, counted and journaled as injected", async () => {
    const x = await harness()
    addFault(x, { action: { type: "status", status: 500, body: "boom" }, times: 1 })
    addFault(x, { action: { type: "status", status: 503 }, times: 1 })
    const first = await read(x, id)
    expect([first.status, await first.text()]).toEqual([500, "boom"])
    const second = await read(x, id)
    expect([second.status, await second.text()]).toEqual([503, "Service Unavailable"])
    expect((await counters(x)).otherErrors).toBe(2)
    expect(await last(x)).toMatchObject({ status: 503, reason: "FaultInjected" })
  })

  it("add latency, then answer as usual", async () => {
    const x = await harness()
    addFault(x, { action: { type: "latency", ms: 1 } })
    const res = await read(x, id)
    expect([res.status, await res.text()]).toEqual([200, x.instanceId])
  })

  it("reset the connection, journaled as a reset fault", async () => {
    const x = await harness()
    addFault(x, { action: { type: "reset" } })
    dropped(await read(x, id))
    expect(await last(x)).toMatchObject({ status: 0, reason: "Fault:reset" })
  })

  it("black-hole the request until the client gives up, journaled as a black-hole fault", async () => {
    const x = await harness()
    addFault(x, { action: { type: "blackhole" } })
    const client = new AbortController()
    const pending = read(x, id, undefined, { signal: client.signal })
    await vi.waitFor(() => expect(x.holds.size).toBe(1))
    client.abort()
    dropped(await pending)
    expect(await last(x)).toMatchObject({ status: 0, reason: "Fault:blackhole" })
  })
})

describe("token path spellings", () => {
  it("a PUT on the versioned token path, with or without a slash, is refused, counted and journaled", async () => {
    const x = await harness()
    expect((await putToken(x, "60", {}, undefined, "/2016-01-01/api/token")).status).toBe(404)
    expect((await putToken(x, "60", {}, undefined, "/2016-01-01/api/token/")).status).toBe(404)
    expect((await counters(x)).otherErrors).toBe(2)
    expect(await last(x)).toMatchObject({ status: 404, reason: "VersionedTokenPath" })
  })

  it("the token path matches in any case, with or without a trailing slash", async () => {
    const x = await harness()
    for (const path of ["/latest/api/token", "/Latest/Api/Token", "/LATEST/API/TOKEN/", "/latest/api/token/"]) {
      expect((await putToken(x, "60", {}, undefined, path)).status, path).toBe(200)
    }
  })
})
