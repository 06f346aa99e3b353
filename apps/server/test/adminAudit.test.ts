// GET /v1/audit: token-less reads grouped by caller (here, in process, by peer and user agent: the in-process way in
// cannot name a process), refusals on request, the time window on the virtual clock, and the CloudMonitor figures.
import { afterEach, beforeEach, describe, expect, it } from "vitest"
import { type Harness, makeHarness } from "./support/harness.ts"

let h: Harness
beforeEach(async () => {
  h = await makeHarness()
})
afterEach(() => h.dispose())

const read = (path: string, headers: Record<string, string> = {}) => h.request(`/latest/meta-data/${path}`, { headers })

describe("audit", () => {
  it("groups normal-mode reads by caller with counts, paths and times; token reads are not listed", async () => {
    await read("instance-id", { "User-Agent": "legacy-agent/1.0" })
    await read("region-id", { "User-Agent": "legacy-agent/1.0" })
    await read("region-id", { "User-Agent": "legacy-agent/1.0" })
    await read("hostname", { "User-Agent": "curl/8.5.0" })
    const token = await h.token()
    await read("instance-id", { "X-aliyun-ecs-metadata-token": token, "User-Agent": "good-sdk/2.0" })
    const audit = await h.adminJson("GET", "/v1/audit")
    expect(audit.status).toBe(200)
    expect(audit.json.groups).toHaveLength(2)
    const [legacy, curl] = audit.json.groups
    expect(legacy).toMatchObject({
      instanceId: h.instanceId,
      process: null,
      processMiss: expect.any(String),
      pids: [],
      peerAddress: "127.0.0.1",
      userAgents: ["legacy-agent/1.0"],
      count: 3,
      normal: 3,
      refused: 0,
      paths: [
        { path: "/latest/meta-data/region-id", count: 2 },
        { path: "/latest/meta-data/instance-id", count: 1 }
      ]
    })
    expect(Date.parse(legacy.first)).toBeLessThanOrEqual(Date.parse(legacy.last))
    expect(curl).toMatchObject({ userAgents: ["curl/8.5.0"], count: 1 })
    expect(audit.json.instances).toEqual([
      {
        instanceId: h.instanceId,
        successfulNormalModeAccesses: 4,
        normalModeRejections: 0,
        tokenRejections: 0,
        tokenReads: 1
      }
    ])
    expect(audit.json).toMatchObject({ since: null, journalDropped: 0 })
  })

  it("lists refused requests only with refused=true, and counts them per instance", async () => {
    await h.adminJson("POST", "/v1/instances/default/metadata-options", { HttpTokens: "required" })
    await read("instance-id", { "User-Agent": "legacy-agent/1.0" })
    await read("instance-id", { "X-aliyun-ecs-metadata-token": "not-a-token", "User-Agent": "legacy-agent/1.0" })
    expect((await h.adminJson("GET", "/v1/audit")).json.groups).toEqual([])
    const audit = await h.adminJson("GET", "/v1/audit?refused=true")
    expect(audit.json.groups).toMatchObject([{ count: 2, normal: 0, refused: 2 }])
    expect(audit.json.instances[0]).toMatchObject({ normalModeRejections: 1, tokenRejections: 1 })
  })

  it("since: a duration back from the virtual now, or an instant; a bad value is a 400 naming the field", async () => {
    await h.adminJson("POST", "/v1/clock/freeze")
    await read("instance-id")
    await h.adminJson("POST", "/v1/clock/advance", { by: "2h" })
    await read("region-id")
    const recent = await h.adminJson("GET", "/v1/audit?since=1h")
    expect(recent.json.groups.map((g: { paths: Array<{ path: string }> }) => g.paths.map((p) => p.path))).toEqual([
      ["/latest/meta-data/region-id"]
    ])
    const clock = await h.adminJson("GET", "/v1/clock")
    expect(Date.parse(recent.json.since)).toBe(clock.json.now - 3_600_000)
    const all = await h.adminJson("GET", "/v1/audit?since=2000-01-01T00:00:00Z")
    expect(all.json.groups[0].count).toBe(2)
    const bad = await h.adminJson("GET", "/v1/audit?since=yesterday")
    expect(bad.status).toBe(400)
    expect(bad.text).toContain("since")
  })

  it("one instance (or default); an unknown one is a 404", async () => {
    await read("instance-id")
    expect((await h.adminJson("GET", "/v1/audit?instance=default")).json.groups).toHaveLength(1)
    expect((await h.adminJson("GET", "/v1/audit?instance=i-nosuch")).status).toBe(404)
  })
})
