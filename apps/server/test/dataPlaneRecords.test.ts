// The data plane's two records (design "Admin plane", spec §12): the CloudMonitor-style counters, where normal-mode
// successes and rejections must be exact, and the packet-analyzer journal of who asked what, how, with which result.
import { afterEach, beforeEach, describe, expect, it } from "vitest"
import { putToken, read, setOptions } from "./support/dataPlane.ts"
import { type Harness, makeHarness } from "./support/harness.ts"

const idPath = "/latest/meta-data/instance-id"

describe("counters and journal", () => {
  let h: Harness
  beforeEach(async () => {
    h = await makeHarness()
  })
  afterEach(() => h.dispose())

  const counters = async () => (await h.run(h.services.counters.snapshot(h.instanceId))).instances[h.instanceId]!

  it("normal-mode successes and rejections are counted exactly, apart from token traffic", async () => {
    for (let i = 0; i < 7; i++) await (await read(h, idPath)).text()
    const token = await h.token(60)
    await (await read(h, idPath, token)).text()
    await (await read(h, idPath, token)).text()
    await (await read(h, idPath, "aaa")).text()
    await (await read(h, "/latest/meta-data/nope")).text()
    await (await putToken(h, "abc")).text()
    await (await putToken(h, "60", { "X-Forwarded-For": "10.0.0.1" })).text()
    await setOptions(h, { HttpTokens: "required" })
    for (let i = 0; i < 3; i++) await (await read(h, idPath)).text()

    const c = await counters()
    expect(c.normalOk).toBe(7)
    expect(c.normalRejected).toBe(3)
    expect(c.tokensIssued).toBe(1)
    expect(c.tokenOk).toBe(2)
    expect(c.notFound).toBe(1)
    expect(c.tokenRefused).toMatchObject({ malformed: 1, "invalid-ttl": 1, forwarded: 1 })
    expect(c.latency.count).toBe(17)
  })

  it("an expired token is counted under its own refusal reason, not as a success", async () => {
    await h.run(h.services.clock.freeze)
    const token = await h.token(1)
    await h.run(h.services.clock.advance("1 second"))
    await (await read(h, idPath, token)).text()
    const c = await counters()
    expect(c.tokenRefused.expired).toBe(1)
    expect(c.tokenOk).toBe(0)
  })

  it("a disabled endpoint's refusals are counted as such, not as normal-mode rejections", async () => {
    await setOptions(h, { HttpEndpoint: "disabled" })
    await (await read(h, idPath)).text()
    await (await putToken(h, "60")).text()
    const c = await counters()
    expect(c.endpointDisabled).toBe(2)
    expect(c.normalRejected).toBe(0)
    expect(c.normalOk).toBe(0)
  })

  it("the journal records method, path with query, mode, status, reason and user agent, oldest first", async () => {
    await h.run(h.services.clock.freeze)
    const now = h.services.clock.nowUnsafe()
    await (await putToken(h, "60", { "User-Agent": "probe/1" }, undefined, "/latest/api/token?x=1")).text()
    const token = await h.token(60)
    await (await read(h, "/latest/meta-data/instance-id?", token)).text()
    await (await read(h, "/latest/meta-data/nope")).text()
    await (await read(h, idPath, "aaa", { headers: { "User-Agent": "probe/2" } })).text()
    await setOptions(h, { HttpTokens: "required" })
    await (await read(h, idPath)).text()

    const entries = await h.run(h.services.journal.query({ instanceId: h.instanceId }))
    expect(entries.map((e) => [e.method, e.path, e.mode, e.status, e.reason, e.userAgent])).toEqual([
      ["PUT", "/latest/api/token?x=1", "none", 200, null, "probe/1"],
      ["PUT", "/latest/api/token", "none", 200, null, null],
      ["GET", "/latest/meta-data/instance-id", "token", 200, null, null],
      ["GET", "/latest/meta-data/nope", "normal", 404, "PathNotFound", null],
      ["GET", idPath, "token", 401, "TokenMalformed", "probe/2"],
      ["GET", idPath, "normal", 403, "TokenRequired", null]
    ])
    expect(entries.every((e) => e.time === now && e.peerAddress === "127.0.0.1")).toBe(true)
    expect(entries.map((e) => e.seq)).toEqual([...entries.map((e) => e.seq)].sort((a, b) => a - b))
    expect(
      await h.run(h.services.journal.query({ instanceId: h.instanceId, mode: "normal", status: 403 }))
    ).toHaveLength(1)
  })

  it("a client that leaves during injected latency is journalled as dropped, not as the reply it never got", async () => {
    const rule = await h.adminJson("POST", "/v1/faults", { action: { type: "latency", ms: 600_000 } })
    expect(rule.status).toBe(201)
    const client = new AbortController()
    const pending = read(h, idPath, undefined, { signal: client.signal })
    client.abort()
    await pending.catch(() => undefined)

    const [entry] = await h.run(h.services.journal.query({ instanceId: h.instanceId }))
    expect([entry?.status, entry?.reason, entry?.mode]).toEqual([0, "ClientClosed", "normal"])
    const c = await counters()
    expect([c.normalOk, c.latency.count]).toEqual([0, 1])
  })
})
