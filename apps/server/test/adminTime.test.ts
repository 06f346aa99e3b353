// The virtual clock and what is scheduled on it through the admin API: token expiry after an advance, set/freeze/
// resume/reset, spot reclaim notices and system events as the metadata app serves them.
import { afterEach, beforeEach, describe, expect, it } from "vitest"
import { type Harness, makeHarness } from "./support/harness.ts"

let h: Harness
beforeEach(async () => {
  h = await makeHarness()
})
afterEach(() => h.dispose())

const send = (method: string, path: string, body?: unknown) => h.adminJson(method, path, body)
const get = async (path: string, headers: Record<string, string> = {}) => {
  const res = await h.request(path, { headers })
  return { status: res.status, text: await res.text() }
}

describe("virtual clock", () => {
  it("advancing 6h expires a 6h token (401) that worked a second earlier", async () => {
    const token = await h.token(21600)
    const withToken = { "X-aliyun-ecs-metadata-token": token }
    await send("POST", "/v1/clock/advance", { by: "5h59m59s" })
    expect((await get("/latest/meta-data/instance-id", withToken)).status).toBe(200)
    const moved = await send("POST", "/v1/clock/advance", { by: "1s" })
    expect(moved.json.offsetMs).toBe(6 * 3_600_000)
    expect((await get("/latest/meta-data/instance-id", withToken)).status).toBe(401)
  })

  it("a token issued at a virtual time not yet reached (the clock set back) is refused 401 as not yet valid", async () => {
    const first = { "X-aliyun-ecs-metadata-token": await h.token(21600) }
    await send("POST", "/v1/clock/advance", { by: "1h" })
    const second = { "X-aliyun-ecs-metadata-token": await h.token(21600) }
    expect((await get("/latest/meta-data/instance-id", second)).status).toBe(200)
    const { now } = (await send("GET", "/v1/clock")).json as { now: number }
    await send("POST", "/v1/clock/freeze")
    expect((await send("POST", "/v1/clock/set", { to: now - 1_800_000 })).status).toBe(200)
    expect((await get("/latest/meta-data/instance-id", first)).status).toBe(200)
    expect((await get("/latest/meta-data/instance-id", second)).status).toBe(401)
    const entries = (await send("GET", "/v1/journal")).json.entries as ReadonlyArray<{ status: number; reason: string }>
    expect(entries.filter((e) => e.status === 401).map((e) => e.reason)).toEqual(["TokenNotYetValid"])
    const counters = (await send("GET", "/v1/counters")).json
    expect(JSON.stringify(counters)).toContain('"not-yet-valid":1')
    // Once the clock reaches its issue time again, it is valid.
    await send("POST", "/v1/clock/advance", { by: "30m" })
    expect((await get("/latest/meta-data/instance-id", second)).status).toBe(200)
  })

  it("accepts durations as 90s, 1h30m, 500ms, '2 minutes' and plain milliseconds", async () => {
    const steps: ReadonlyArray<readonly [string | number, number]> = [
      ["90s", 90_000],
      ["1h30m", 5_400_000],
      ["500ms", 500],
      ["2 minutes", 120_000],
      [250, 250],
      ["1d", 86_400_000]
    ]
    let total = 0
    for (const [by, ms] of steps) {
      total += ms
      const r = await send("POST", "/v1/clock/advance", { by })
      expect(r.json.offsetMs, String(by)).toBe(total)
    }
    for (const by of ["-1h", "6 parsecs", "h", -5]) {
      const r = await send("POST", "/v1/clock/advance", { by })
      expect(r.status, String(by)).toBe(400)
      expect(r.json.Message).toContain('"by"')
    }
  })

  it("sets the clock to an ISO time (UTC without a zone) or epoch ms, and refuses anything else naming `to`", async () => {
    const iso = await send("POST", "/v1/clock/set", { to: "2030-01-01T00:00:00Z" })
    expect(iso.json.time.slice(0, 19)).toBe("2030-01-01T00:00:00")
    const ms = Date.UTC(2031, 5, 1)
    expect((await send("POST", "/v1/clock/set", { to: ms })).json.now).toBeGreaterThanOrEqual(ms)
    const noZone = await send("POST", "/v1/clock/set", { to: "2032-02-03T04:05:06" })
    expect(noZone.json.time.slice(0, 19)).toBe("2032-02-03T04:05:06")
    const bad = await send("POST", "/v1/clock/set", { to: "next tuesday" })
    expect([bad.status, bad.json.Message.includes('"to"')]).toEqual([400, true])
  })

  it("freezes at an instant, resumes from it, and resets to wall time", async () => {
    const frozen = await send("POST", "/v1/clock/freeze")
    expect(frozen.json.frozen).toBe(true)
    await new Promise((resolve) => setTimeout(resolve, 15))
    expect((await send("GET", "/v1/clock")).json.now).toBe(frozen.json.now)
    const advanced = await send("POST", "/v1/clock/advance", { by: "1h" })
    expect(advanced.json.now).toBe(frozen.json.now + 3_600_000)
    const resumed = await send("POST", "/v1/clock/resume")
    expect(resumed.json.frozen).toBe(false)
    expect(resumed.json.now - frozen.json.now).toBeGreaterThanOrEqual(3_600_000)
    const reset = await send("POST", "/v1/clock/reset")
    expect([reset.json.offsetMs, reset.json.frozen]).toEqual([0, false])
    expect(Math.abs(reset.json.now - Date.now())).toBeLessThan(5_000)
  })
})

describe("spot termination", () => {
  const path = "/latest/meta-data/instance/spot/termination-time"

  it("serves the scheduled termination time at an instant, and 404 again once cancelled", async () => {
    expect((await get(path)).status).toBe(404)
    const scheduled = await send("POST", "/v1/instances/default/spot", { at: "2030-01-01T00:02:00Z" })
    expect(scheduled.json).toMatchObject({ instanceId: h.instanceId, terminationTime: "2030-01-01T00:02:00.000Z" })
    expect(await get(path)).toEqual({ status: 200, text: "2030-01-01T00:02:00Z" })
    expect((await send("DELETE", "/v1/instances/default/spot")).json.terminationTime).toBeNull()
    expect((await get(path)).status).toBe(404)
  })

  it("schedules relative to the virtual clock with `in`", async () => {
    await send("POST", "/v1/clock/freeze")
    await send("POST", "/v1/clock/set", { to: "2030-06-01T12:00:00Z" })
    await send("POST", "/v1/instances/default/spot", { in: "2m" })
    expect((await get(path)).text).toBe("2030-06-01T12:02:00Z")
  })

  it("needs exactly one of `at` and `in`, and an existing instance", async () => {
    const both = await send("POST", "/v1/instances/default/spot", { at: 0, in: "2m" })
    expect([both.status, both.json.Code]).toEqual([400, "InvalidParameter"])
    const neither = await send("POST", "/v1/instances/default/spot", {})
    expect([neither.status, neither.json.Code]).toEqual([400, "MissingParameter"])
    expect(neither.json.Message).toContain('"at"')
    const unknown = await send("POST", "/v1/instances/i-nothere/spot", { in: "2m" })
    expect([unknown.status, unknown.json.Code]).toEqual([404, "InvalidInstanceId.NotFound"])
  })
})

describe("system events", () => {
  const path = "/latest/maintenance/active-system-events"

  it("serves an added event, lists it, and clears it", async () => {
    await send("POST", "/v1/clock/freeze")
    await send("POST", "/v1/clock/set", { to: "2030-06-01T12:00:00Z" })
    const added = await send("POST", "/v1/instances/default/events", {
      eventType: "SystemMaintenance.Reboot",
      in: "1h"
    })
    expect(added.status).toBe(201)
    expect(added.json.event).toMatchObject({
      eventType: "SystemMaintenance.Reboot",
      notBefore: "2030-06-01T13:00:00.000Z",
      publishTime: "2030-06-01T12:00:00.000Z"
    })
    const served = JSON.parse((await get(path)).text)
    expect(served).toHaveLength(1)
    expect(served[0]).toMatchObject({ EventType: "SystemMaintenance.Reboot", NotBefore: "2030-06-01T13:00:00Z" })
    expect((await send("GET", "/v1/instances/default/events")).json.events).toHaveLength(1)
    expect((await send("DELETE", "/v1/instances/default/events")).json.events).toEqual([])
    expect((await get(path)).status).toBe(404)
  })

  it("keeps an event with a future publish time out of the metadata until then", async () => {
    await send("POST", "/v1/clock/freeze")
    await send("POST", "/v1/clock/set", { to: "2030-06-01T12:00:00Z" })
    await send("POST", "/v1/instances/default/events", {
      eventType: "SystemFailure.Reboot",
      notBefore: "2030-06-02T00:00:00Z",
      publish: "2030-06-01T18:00:00Z"
    })
    expect((await get(path)).status).toBe(404)
    await send("POST", "/v1/clock/advance", { by: "6h" })
    expect(JSON.parse((await get(path)).text)[0].EventType).toBe("SystemFailure.Reboot")
  })

  it("refuses a malformed event type naming the field", async () => {
    const r = await send("POST", "/v1/instances/default/events", { eventType: "reboot now", in: "1h" })
    expect(r.status).toBe(400)
    expect(r.json.Message).toContain('"eventType"')
  })
})
