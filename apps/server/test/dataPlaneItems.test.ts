// Metadata items that come and go at run time, in-process: user-data after a reload without it, patched leaves,
// a detached RAM role, and a scheduled spot reclaim — each appears in or leaves its listing and answers 404 when gone.
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { outcome, read } from "./support/dataPlane.ts"
import { type Harness, makeHarness } from "./support/harness.ts"

const body = async (h: Harness, path: string) => {
  const res = await h.request(path)
  expect(res.status, path).toBe(200)
  return res.text()
}

describe("items that come and go", () => {
  let h: Harness
  beforeAll(async () => {
    h = await makeHarness()
  })
  afterAll(() => h.dispose())

  it("user-data is 404, and unlisted, once a reload leaves it out", async () => {
    expect(await outcome(await read(h, "/latest/user-data"))).toEqual({
      status: 200,
      body: "#!/bin/sh\necho hello from aliyun-imds"
    })
    const config = await h.run(h.services.fleet.config)
    await h.run(
      h.services.fleet.reload({ ...config, instances: config.instances.map((i) => ({ ...i, userData: null })) })
    )
    expect(await outcome(await read(h, "/latest/user-data"))).toEqual({ status: 404, body: "Not Found" })
    expect((await read(h, "/latest/user-data/")).status).toBe(404)
    expect(await body(h, "/latest/")).toBe("dynamic\nmaintenance\nmeta-data")
  })

  it("a patched leaf serves the new bytes; a patched-away leaf is 404 and leaves the listing", async () => {
    await h.run(h.services.fleet.patch(h.instanceId, "hostname", "patched-host"))
    expect(await body(h, "/latest/meta-data/hostname")).toBe("patched-host")
    await h.run(h.services.fleet.patch(h.instanceId, "hostname", null))
    expect((await read(h, "/latest/meta-data/hostname")).status).toBe(404)
    expect((await body(h, "/latest/meta-data/")).split("\n")).not.toContain("hostname")
  })

  it("detaching the role makes the role listing 404 (the SDKs' 'no role' signal)", async () => {
    await h.run(h.services.fleet.detachRole(h.instanceId))
    expect((await read(h, "/latest/meta-data/ram/security-credentials/")).status).toBe(404)
    expect((await body(h, "/latest/meta-data/")).split("\n")).not.toContain("ram/")
  })

  it("spot termination-time is 404 until a reclaim is scheduled, then a second-precision UTC time", async () => {
    const path = "/latest/meta-data/instance/spot/termination-time"
    expect((await read(h, path)).status).toBe(404)
    const at = Date.UTC(2030, 0, 2, 3, 4, 5)
    await h.run(h.services.fleet.scheduleSpot(h.instanceId, at))
    expect(await body(h, path)).toBe("2030-01-02T03:04:05Z")
  })
})
