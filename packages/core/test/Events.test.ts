import { assert, describe, it } from "@effect/vitest"
import type { SystemEvent } from "../src/fleet/InstanceState.ts"
import { eventCycleStatus, publishedEvents, renderSystemEvents, spotTerminationTime } from "../src/metadata/Events.ts"
import { resolve } from "../src/metadata/Render.ts"
import { ctx, linux, stateOf } from "./fixtures.ts"

const T = Date.UTC(2026, 4, 1, 2, 0, 0)
const reboot: SystemEvent = {
  eventId: "e-bp1ca3nqz2mkd8k4xa1b",
  eventType: "SystemMaintenance.Reboot",
  publishMs: T,
  notBeforeMs: T + 24 * 3600_000
}
const redeploy: SystemEvent = {
  eventId: "e-bp1ca3nqz2mkd8k4xa1c",
  eventType: "SystemMaintenance.Redeploy",
  publishMs: T + 3600_000,
  notBeforeMs: T + 48 * 3600_000
}

describe("Events", () => {
  it("spot termination time is UTC to the second with a Z", () => {
    assert.strictEqual(spotTerminationTime(Date.UTC(2015, 0, 5, 18, 2, 0, 750)), "2015-01-05T18:02:00Z")
  })

  it("an event is visible from its publish instant, not a millisecond before", () => {
    assert.deepStrictEqual(publishedEvents([reboot, redeploy], T - 1), [])
    assert.deepStrictEqual(publishedEvents([reboot, redeploy], T), [reboot])
    assert.deepStrictEqual(publishedEvents([reboot, redeploy], T + 3600_000), [reboot, redeploy])
  })

  it("an event is Scheduled until its NotBefore, then Executing", () => {
    assert.strictEqual(eventCycleStatus(reboot, reboot.notBeforeMs - 1), "Scheduled")
    assert.strictEqual(eventCycleStatus(reboot, reboot.notBeforeMs), "Executing")
  })

  it("renders a compact JSON array shaped like DescribeInstancesFullStatus events", () => {
    assert.strictEqual(
      renderSystemEvents([reboot], T),
      '[{"EventId":"e-bp1ca3nqz2mkd8k4xa1b","EventType":"SystemMaintenance.Reboot",' +
        '"EventCycleStatus":"Scheduled","NotBefore":"2026-05-02T02:00:00Z","EventPublishTime":"2026-05-01T02:00:00Z"}]'
    )
  })

  it("maintenance/active-system-events serves only the events published by now", () => {
    const state = stateOf(linux, { systemEvents: [reboot, redeploy] })
    const path = "/latest/maintenance/active-system-events"
    assert.deepStrictEqual(resolve(state, path, null, ctx({ now: T - 1 })), { _tag: "NotFound" })
    const atT = resolve(state, path, null, ctx({ now: T }))
    assert.deepStrictEqual(atT, { _tag: "Body", body: renderSystemEvents([reboot], T) })
    const later = resolve(state, path, null, ctx({ now: T + 3600_000 }))
    assert.deepStrictEqual(later, { _tag: "Body", body: renderSystemEvents([reboot, redeploy], T + 3600_000) })
  })
})
