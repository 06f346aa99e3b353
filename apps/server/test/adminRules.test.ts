// Run-time rules and records through the admin API: throttle (429), fault injection, token revocation and key
// rotation, the counters (CloudMonitor view) and the journal (packet-analyzer view) with its filters.
import { afterEach, beforeEach, describe, expect, it } from "vitest"
import { type Harness, makeHarness } from "./support/harness.ts"

let h: Harness
beforeEach(async () => {
  h = await makeHarness()
})
afterEach(() => h.dispose())

const send = (method: string, path: string, body?: unknown) => h.adminJson(method, path, body)
const status = async (path: string, headers: Record<string, string> = {}, peer?: { address: string; port: number }) =>
  (await h.request(path, { headers }, peer)).status
const id = "/latest/meta-data/instance-id"

describe("throttle", () => {
  it("answers 429 once the burst is spent, and again 200 after the clock refills the bucket", async () => {
    await send("POST", "/v1/clock/freeze")
    const set = await send("PUT", "/v1/throttle", { target: "default", ratePerSecond: 1, burst: 2 })
    expect(set.json.rules).toEqual([{ target: h.instanceId, ratePerSecond: 1, burst: 2 }])
    expect([await status(id), await status(id), await status(id)]).toEqual([200, 200, 429])
    await send("POST", "/v1/clock/advance", { by: "1s" })
    expect([await status(id), await status(id)]).toEqual([200, 429])
  })

  it("applies a `*` rule to every instance, each with its own bucket, until cleared", async () => {
    await send("POST", "/v1/instances", { instanceId: "i-other01", sourceAddresses: ["127.0.0.2"] })
    await send("POST", "/v1/clock/freeze")
    await send("PUT", "/v1/throttle", { ratePerSecond: 1, burst: 1 })
    const other = { address: "127.0.0.2", port: 1 }
    expect([await status(id), await status(id, {}, other), await status(id), await status(id, {}, other)]).toEqual([
      200, 200, 429, 429
    ])
    expect((await send("GET", "/v1/throttle")).json.rules).toEqual([{ target: "*", ratePerSecond: 1, burst: 1 }])
    expect((await send("DELETE", "/v1/throttle?target=*")).json.rules).toEqual([])
    expect(await status(id)).toBe(200)
  })

  it("refuses an unusable rule naming the field, and an unknown target with 404", async () => {
    const burst = await send("PUT", "/v1/throttle", { ratePerSecond: 1, burst: 0 })
    expect([burst.status, burst.json.Message.includes('"burst"')]).toEqual([400, true])
    const rate = await send("PUT", "/v1/throttle", { ratePerSecond: -1, burst: 1 })
    expect([rate.status, rate.json.Message.includes('"ratePerSecond"')]).toEqual([400, true])
    const unknown = await send("PUT", "/v1/throttle", { target: "i-nothere", ratePerSecond: 1, burst: 1 })
    expect([unknown.status, unknown.json.Code]).toEqual([404, "InvalidInstanceId.NotFound"])
    expect((await send("GET", "/v1/throttle")).json.rules).toEqual([])
  })
})

describe("faults", () => {
  it("a status fault for two requests answers 429 twice, then the request succeeds", async () => {
    const added = await send("POST", "/v1/faults", {
      instanceId: "default",
      pathPrefix: "/latest/meta-data/",
      action: { type: "status", status: 429 },
      times: 2
    })
    expect(added.status).toBe(201)
    expect(added.json.rule).toMatchObject({ instanceId: h.instanceId, remaining: 2, route: "any" })
    expect([await status(id), await status(id), await status(id)]).toEqual([429, 429, 200])
    expect((await send("GET", "/v1/faults")).json.rules).toEqual([])
  })

  it("lists, reads and removes one rule, and clears all of them", async () => {
    const a = (await send("POST", "/v1/faults", { route: "token", action: { type: "status", status: 404 } })).json.rule
    await send("POST", "/v1/faults", { action: { type: "latency", ms: 0 } })
    expect((await send("GET", "/v1/faults")).json.rules).toHaveLength(2)
    expect((await send("GET", `/v1/faults/${a.id}`)).json.rule).toEqual(a)
    const tokenPut = await h.request("/latest/api/token", {
      method: "PUT",
      headers: { "X-aliyun-ecs-metadata-token-ttl-seconds": "60" }
    })
    expect(tokenPut.status).toBe(404)
    expect((await send("DELETE", `/v1/faults/${a.id}`)).json.rule.id).toBe(a.id)
    expect((await h.token(60)).length).toBeGreaterThan(0)
    const missing = await send("GET", `/v1/faults/${a.id}`)
    expect([missing.status, missing.json.Code]).toEqual([404, "InvalidFaultId.NotFound"])
    expect((await send("DELETE", "/v1/faults")).json.removed).toBe(1)
    expect((await send("GET", "/v1/faults")).json.rules).toEqual([])
  })

  it("refuses an unknown action type and an unknown instance", async () => {
    const bad = await send("POST", "/v1/faults", { action: { type: "explode" } })
    expect(bad.status).toBe(400)
    expect(bad.json.Message).toContain('"action')
    const unknown = await send("POST", "/v1/faults", { instanceId: "i-nothere", action: { type: "reset" } })
    expect(unknown.status).toBe(404)
  })
})

describe("tokens", () => {
  it("revoke makes every outstanding token 401; new tokens work", async () => {
    const token = await h.token()
    await send("POST", "/v1/tokens/revoke")
    expect(await status(id, { "X-aliyun-ecs-metadata-token": token })).toBe(401)
    expect(await status(id, { "X-aliyun-ecs-metadata-token": await h.token() })).toBe(200)
  })

  it("rotate-key keeps earlier tokens valid while new ones are issued under the new key", async () => {
    const before = await h.token()
    expect((await send("POST", "/v1/tokens/rotate-key")).status).toBe(200)
    const after = await h.token()
    expect(after).not.toBe(before)
    expect(await status(id, { "X-aliyun-ecs-metadata-token": before })).toBe(200)
    expect(await status(id, { "X-aliyun-ecs-metadata-token": after })).toBe(200)
  })
})

describe("counters", () => {
  it("count normal-mode successes and rejections, tokens issued and refused, and throttled requests", async () => {
    await status(id)
    await status("/latest/meta-data/region-id")
    const token = await h.token(60)
    await status(id, { "X-aliyun-ecs-metadata-token": token })
    await status(id, { "X-aliyun-ecs-metadata-token": "garbage" })
    await send("POST", "/v1/instances/default/metadata-options", { HttpTokens: "required" })
    await status(id)
    await send("POST", "/v1/clock/advance", { by: "61s" })
    await status(id, { "X-aliyun-ecs-metadata-token": token })
    await send("PUT", "/v1/throttle", { ratePerSecond: 1, burst: 1 })
    await send("POST", "/v1/clock/freeze")
    await status(id, { "X-aliyun-ecs-metadata-token": await h.token(60) })
    await status(id)
    const c = (await send("GET", "/v1/counters?instance=default")).json
    const mine = c.instances[h.instanceId]
    expect(mine).toMatchObject({ normalOk: 2, normalRejected: 1, tokenOk: 1, tokensIssued: 2, throttled: 2 })
    expect(mine.tokenRefused).toMatchObject({ malformed: 1, expired: 1 })
    expect(c.totals.normalOk).toBe(2)
  })

  it("filter by instance, refuse an unknown one, and reset to zero", async () => {
    await send("POST", "/v1/instances", { instanceId: "i-other01", sourceAddresses: ["127.0.0.2"] })
    await status(id, {}, { address: "127.0.0.2", port: 1 })
    await status(id)
    const other = (await send("GET", "/v1/counters?instance=i-other01")).json
    expect(Object.keys(other.instances)).toEqual(["i-other01"])
    expect(other.instances["i-other01"].normalOk).toBe(1)
    expect((await send("GET", "/v1/counters?instance=i-nothere")).status).toBe(404)
    const reset = (await send("DELETE", "/v1/counters")).json
    expect(reset.totals.normalOk).toBe(0)
  })
})

describe("journal", () => {
  const entries = async (query: string) => (await send("GET", `/v1/journal${query}`)).json.entries

  it("records who asked what and how, filtered by mode, status, instance and time", async () => {
    await send("POST", "/v1/clock/freeze")
    await status(id)
    const token = await h.token(3600)
    await send("POST", "/v1/clock/advance", { by: "1m" })
    const since = (await send("GET", "/v1/clock")).json.time
    await status("/latest/meta-data/nope", { "X-aliyun-ecs-metadata-token": token })
    expect((await entries("")).map((e: { path: string }) => e.path)).toEqual([
      id,
      "/latest/api/token",
      "/latest/meta-data/nope"
    ])
    expect((await entries("?mode=normal")).map((e: { path: string }) => e.path)).toEqual([id])
    expect((await entries("?mode=token"))[0]).toMatchObject({ status: 404, reason: "PathNotFound" })
    expect(await entries("?status=404")).toHaveLength(1)
    expect(await entries(`?since=${encodeURIComponent(since)}`)).toHaveLength(1)
    expect(await entries("?instance=default")).toHaveLength(3)
    expect(await entries("?instance=none")).toHaveLength(0)
  })

  it("follows by seq with afterSeq and limit, and clears", async () => {
    for (let i = 0; i < 5; i++) await status(id)
    const all = await entries("")
    expect(all.map((e: { seq: number }) => e.seq)).toEqual([1, 2, 3, 4, 5])
    expect((await entries("?afterSeq=2&limit=2")).map((e: { seq: number }) => e.seq)).toEqual([3, 4])
    expect((await entries("?limit=2")).map((e: { seq: number }) => e.seq)).toEqual([4, 5])
    const cleared = await send("DELETE", "/v1/journal")
    expect([cleared.json.entries, cleared.json.size]).toEqual([[], 0])
    await status(id)
    expect((await entries(""))[0].seq).toBe(6)
  })

  it("refuses a bad filter naming the parameter", async () => {
    for (const [query, field] of [
      ["?status=abc", "status"],
      ["?limit=0", "limit"],
      ["?mode=loud", "mode"],
      ["?since=yesterday", "since"]
    ] as const) {
      const r = await send("GET", `/v1/journal${query}`)
      expect(r.status, query).toBe(400)
      expect(r.json.Message).toContain(`"${field}"`)
    }
  })
})
