// GET /v1/series and its Server-Sent Events stream: the core's series per instance and for the fleet, on the virtual
// clock, with their query refused by name when wrong, and the stream sending new points and journal entries.
import { afterEach, beforeEach, describe, expect, it } from "vitest"
import { type Harness, makeHarness } from "./support/harness.ts"
import { readEvents } from "./support/sse.ts"

let h: Harness
beforeEach(async () => {
  h = await makeHarness()
})
afterEach(() => h.dispose())

const read = (token?: string) =>
  h.request("/latest/meta-data/instance-id", token ? { headers: { "X-aliyun-ecs-metadata-token": token } } : {})
const last = (xs: ReadonlyArray<number>) => xs[xs.length - 1]

describe("series", () => {
  it("counts normal-mode reads, token reads and issues per instance and for the fleet", async () => {
    await read()
    await read()
    await read(await h.token())
    const mine = await h.adminJson("GET", "/v1/series?instance=default&metrics=normalOk,tokenOk,tokensIssued")
    expect(mine.status).toBe(200)
    expect(mine.json).toMatchObject({
      instanceId: h.instanceId,
      window: "1h",
      stepMs: 30_000,
      totals: { normalOk: 2, tokenOk: 1, tokensIssued: 1 }
    })
    expect(Object.keys(mine.json.metrics)).toEqual(["normalOk", "tokenOk", "tokensIssued"])
    expect(mine.json.times).toHaveLength(120)
    expect(last(mine.json.metrics.normalOk)).toBe(2)
    const fleet = await h.adminJson("GET", "/v1/series?window=1d&step=1h")
    expect(fleet.json).toMatchObject({ instanceId: null, stepMs: 3_600_000, totals: { normalOk: 2 } })
    expect(fleet.json.times).toHaveLength(24)
  })

  it("moves with the virtual clock: traffic before `clock advance 6h` shows six hours back", async () => {
    await read()
    await h.adminJson("POST", "/v1/clock/advance", { by: "6h" })
    const hour = await h.adminJson("GET", "/v1/series?metrics=normalOk")
    expect(hour.json.totals.normalOk).toBe(0)
    const day = await h.adminJson("GET", "/v1/series?window=1d&step=1h&metrics=normalOk")
    const points = day.json.metrics.normalOk
    expect(points[points.length - 7]).toBe(1)
  })

  it("refuses a step the window does not take, an unknown metric and an unknown instance, naming them", async () => {
    const step = await h.adminJson("GET", "/v1/series?window=6h&step=1m")
    expect(step.status).toBe(400)
    expect(step.json.Message).toContain("step")
    const metric = await h.adminJson("GET", "/v1/series?metrics=normalOk,bogus")
    expect(metric.status).toBe(400)
    expect(metric.json.Message).toContain("metrics")
    expect((await h.adminJson("GET", "/v1/series?window=2h")).status).toBe(400)
    expect((await h.adminJson("GET", "/v1/series?instance=i-nowhere")).status).toBe(404)
  })

  it("forgets the series with the counters (ResetCounters)", async () => {
    await read()
    await h.adminJson("DELETE", "/v1/counters")
    expect((await h.adminJson("GET", "/v1/series")).json.totals.normalOk).toBe(0)
  })

  it("streams the points at once and again when a request is counted, with the journal's new entries", async () => {
    const res = await h.admin.request("/v1/series/stream?metrics=normalOk&journal=true")
    expect(res.status).toBe(200)
    expect(res.headers.get("content-type")).toContain("text/event-stream")
    expect(res.headers.get("cache-control")).toBe("no-store")
    // The first event is sent as the stream opens, before this read.
    const events = readEvents(res, 3)
    await read()
    const [first, ...rest] = await events
    expect(first).toMatchObject({ event: "series", data: { totals: { normalOk: 0 } } })
    expect(rest).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ event: "series", data: expect.objectContaining({ totals: { normalOk: 1 } }) }),
        expect.objectContaining({
          event: "journal",
          data: { entries: [expect.objectContaining({ path: "/latest/meta-data/instance-id", mode: "normal" })] }
        })
      ])
    )
  })

  it("ends the stream after `events` series events", async () => {
    const res = await h.admin.request("/v1/series/stream?events=1")
    const text = await res.text()
    expect(text.match(/^event: series$/gm)).toHaveLength(1)
  })

  it("asks for the admin token like every other operation", async () => {
    const guarded = await makeHarness({ adminToken: "s3cret" })
    try {
      expect((await guarded.admin.request("/v1/series/stream?events=1")).status).toBe(401)
      const ok = await guarded.admin.request("/v1/series/stream?events=1", {
        headers: { authorization: "Bearer s3cret" }
      })
      expect(ok.status).toBe(200)
      await ok.text()
    } finally {
      await guarded.dispose()
    }
  })
})
