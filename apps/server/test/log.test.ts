// Log lines carry the machine's wall time, so they line up with every other log; the virtual time, once the clock has
// been moved away from it, is a field of its own.
import { describe, expect, it } from "vitest"
import { makeLogger } from "../src/Log.ts"
import { makeHarness } from "./support/harness.ts"

const wall = Date.UTC(2026, 11, 4, 8, 0, 0)

describe("log lines", () => {
  it("stamp the wall time, and name the virtual time only when it is a second or more away", () => {
    const lines: Array<Record<string, unknown>> = []
    let virtual = wall + 999
    const log = makeLogger(
      "info",
      (line) => lines.push(JSON.parse(line)),
      () => virtual,
      { wallNow: () => wall }
    )
    log.log("info", "close", { n: 1 })
    virtual = wall + 10 * 86_400_000
    log.log("warn", "advanced")
    virtual = wall - 1000
    log.log("info", "set back")
    log.log("debug", "below the level")
    expect(lines).toEqual([
      { time: "2026-12-04T08:00:00.000Z", level: "info", message: "close", n: 1 },
      {
        time: "2026-12-04T08:00:00.000Z",
        virtualTime: "2026-12-14T08:00:00.000Z",
        level: "warn",
        message: "advanced"
      },
      { time: "2026-12-04T08:00:00.000Z", virtualTime: "2026-12-04T07:59:59.000Z", level: "info", message: "set back" }
    ])
  })

  it("after clock advance 10d, a request's line still has the wall time, the virtual time beside it", async () => {
    const lines: Array<Record<string, string>> = []
    const h = await makeHarness({ log: { level: "debug", sink: (line) => lines.push(JSON.parse(line)) } })
    try {
      await h.adminJson("POST", "/v1/clock/advance", { by: "10d" })
      const before = Date.now()
      await h.request("/latest/meta-data/instance-id")
      const after = Date.now()
      const line = lines.at(-1)!
      const time = Date.parse(line.time!)
      expect(time).toBeGreaterThanOrEqual(before)
      expect(time).toBeLessThanOrEqual(after)
      expect(Date.parse(line.virtualTime!) - time).toBeGreaterThanOrEqual(10 * 86_400_000 - 1000)
    } finally {
      await h.dispose()
    }
  })
})
