import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { TestClock } from "effect/testing"
import {
  type CredentialSeries,
  credentialAt,
  credentialsAt,
  currentCredentials,
  isCredentialValid,
  type RamCredential,
  renderCredentials,
  validCredentialsAt
} from "../src/credentials/RamCredentials.ts"
import { rotateRole } from "../src/fleet/FleetStoreState.ts"
import type { RoleState } from "../src/fleet/InstanceState.ts"
import { secret, stateOf, withRole } from "./fixtures.ts"

const ANCHOR = Date.UTC(2026, 3, 10, 18, 9, 23)
const HOUR = 3600_000
const role: RoleState = {
  name: "EcsRamRoleTest",
  validitySeconds: 21600,
  overlapSeconds: 1800,
  anchorMs: ANCHOR,
  generation: 0,
  retired: []
}
const series: CredentialSeries = { role, instanceId: "i-bp13znx0m0me8cquu9k1", secret }
const EXPIRATION_0 = ANCHOR + 6 * HOUR

const sample: RamCredential = {
  index: 0,
  accessKeyId: "STS.NZSzBSzh6ZUqpECs5NRzqyWdp",
  accessKeySecret: "DyAtwhFKwgoP7xjZ4GS7TuSkxA8twtwwdWTW7DpCxhuF",
  securityToken: "CAIS6AJ1q6Ft5B2y",
  lastUpdatedMs: Date.UTC(2026, 3, 10, 18, 9, 23),
  expirationMs: Date.UTC(2026, 3, 11, 0, 15, 30)
}

describe("RamCredentials", () => {
  it("renders the exact live body: leading space, two-space indent, ` : `, fixed order, no newline", () => {
    assert.strictEqual(
      renderCredentials(sample, true),
      ' {\n  "AccessKeyId" : "STS.NZSzBSzh6ZUqpECs5NRzqyWdp",\n' +
        '  "AccessKeySecret" : "DyAtwhFKwgoP7xjZ4GS7TuSkxA8twtwwdWTW7DpCxhuF",\n' +
        '  "Expiration" : "2026-04-11T00:15:30Z",\n  "SecurityToken" : "CAIS6AJ1q6Ft5B2y",\n' +
        '  "LastUpdated" : "2026-04-10T18:09:23Z",\n  "Code" : "Success"\n}'
    )
  })

  it("drops the leading space when switched off and stays valid JSON either way", () => {
    const body = renderCredentials(sample, false)
    assert.isTrue(body.startsWith('{\n  "AccessKeyId"'))
    assert.strictEqual(JSON.parse(body).Code, "Success")
    assert.deepStrictEqual(JSON.parse(renderCredentials(sample, true)), JSON.parse(body))
  })

  it("timestamps are rounded down to the second", () => {
    const credential = { ...sample, lastUpdatedMs: sample.lastUpdatedMs + 999 }
    assert.include(renderCredentials(credential, true), '"LastUpdated" : "2026-04-10T18:09:23Z"')
  })

  it("derived values have the real formats", () => {
    const credential = credentialsAt(series, ANCHOR)
    assert.match(credential.accessKeyId, /^STS\.[A-Za-z0-9]{25}$/)
    assert.match(credential.accessKeySecret, /^[A-Za-z0-9]{44}$/)
    assert.match(credential.securityToken, /^CAIS[A-Za-z0-9+/]{636}$/)
    const token = Uint8Array.from(atob(credential.securityToken), (c) => c.charCodeAt(0))
    assert.strictEqual(token.length, 480)
    assert.deepStrictEqual([...token.subarray(0, 3)], [0x08, 0x02, 0x12])
    const body = JSON.parse(renderCredentials(credential, true))
    assert.match(body.Expiration, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/)
    assert.strictEqual(body.LastUpdated, "2026-04-10T18:09:23Z")
    assert.strictEqual(body.Expiration, "2026-04-11T00:09:23Z")
  })

  it("values are deterministic in secret, instance, role, generation and index", () => {
    const base = credentialAt(series, 3)
    assert.deepStrictEqual(credentialAt(series, 3), base)
    const variants: ReadonlyArray<CredentialSeries> = [
      { ...series, secret: new TextEncoder().encode("another-secret") },
      { ...series, instanceId: "i-other" },
      { ...series, role: { ...role, name: "OtherRole" } },
      { ...series, role: { ...role, generation: 1 } }
    ]
    for (const variant of variants) assert.notStrictEqual(credentialAt(variant, 3).accessKeyId, base.accessKeyId)
    assert.notStrictEqual(credentialAt(series, 4).accessKeyId, base.accessKeyId)
  })

  it.effect("at Expiration − 30:01 the old key is served, at Expiration − 30:00 the new one", () =>
    Effect.gen(function* () {
      const old = credentialAt(series, 0)
      yield* TestClock.setTime(EXPIRATION_0 - 30 * 60_000 - 1000)
      assert.strictEqual((yield* currentCredentials(series)).accessKeyId, old.accessKeyId)
      yield* TestClock.adjust("1 second")
      const fresh = yield* currentCredentials(series)
      assert.strictEqual(fresh.index, 1)
      assert.notStrictEqual(fresh.accessKeyId, old.accessKeyId)
      assert.strictEqual(fresh.lastUpdatedMs, EXPIRATION_0 - 30 * 60_000)
      assert.strictEqual(fresh.expirationMs, fresh.lastUpdatedMs + 6 * HOUR)
    })
  )

  it("both keys are valid during the overlap and the old one stops at its Expiration exactly", () => {
    const old = credentialAt(series, 0)
    const fresh = credentialAt(series, 1)
    const overlap = EXPIRATION_0 - 30 * 60_000
    assert.deepStrictEqual(
      validCredentialsAt(series, overlap - 1000).map((c) => c.index),
      [0]
    )
    assert.deepStrictEqual(
      validCredentialsAt(series, overlap).map((c) => c.index),
      [1, 0]
    )
    assert.isTrue(isCredentialValid(old.accessKeyId, series, EXPIRATION_0 - 1))
    assert.isTrue(isCredentialValid(fresh.accessKeyId, series, EXPIRATION_0 - 1))
    assert.isFalse(isCredentialValid(old.accessKeyId, series, EXPIRATION_0))
    assert.isTrue(isCredentialValid(fresh.accessKeyId, series, EXPIRATION_0))
    assert.isFalse(isCredentialValid(fresh.accessKeyId, series, overlap - 1))
  })

  it("the schedule keeps stepping by validity − overlap", () => {
    const at = ANCHOR + 10 * 5.5 * HOUR + 1
    const served = credentialsAt(series, at)
    assert.strictEqual(served.index, 10)
    assert.strictEqual(served.lastUpdatedMs, ANCHOR + 10 * 5.5 * HOUR)
  })

  it("a forced rotation yields new keys; the old series' keys stay valid until their own expiration", () => {
    const now = ANCHOR + 2 * HOUR
    const before = credentialsAt(series, now)
    const rotated: CredentialSeries = { ...series, role: rotateRole(role, now)(stateOf(withRole)).role! }
    const after = credentialsAt(rotated, now)
    assert.strictEqual(after.index, 0)
    assert.strictEqual(after.lastUpdatedMs, now)
    assert.notStrictEqual(after.accessKeyId, before.accessKeyId)
    assert.notStrictEqual(after.accessKeySecret, before.accessKeySecret)
    assert.deepStrictEqual(
      validCredentialsAt(rotated, now).map((c) => c.accessKeyId),
      [after.accessKeyId, before.accessKeyId]
    )
    // The old series hands out nothing new: at its next scheduled step only its last key is listed.
    const nextStep = ANCHOR + 5.5 * HOUR
    assert.deepStrictEqual(
      validCredentialsAt(rotated, nextStep).map((c) => c.accessKeyId),
      [after.accessKeyId, before.accessKeyId]
    )
    assert.isTrue(isCredentialValid(before.accessKeyId, rotated, before.expirationMs - 1))
    assert.isFalse(isCredentialValid(before.accessKeyId, rotated, before.expirationMs))
    assert.isTrue(isCredentialValid(after.accessKeyId, rotated, before.expirationMs))
  })
  it("with the clock set back before the role's anchor, serves a credential from then, never one from the future", () => {
    const now = ANCHOR - 10 * HOUR
    const served = credentialsAt(series, now)
    assert.isBelow(served.index, 0)
    assert.isAtMost(served.lastUpdatedMs, now)
    assert.isAbove(served.expirationMs, now)
    assert.notStrictEqual(served.accessKeyId, credentialsAt(series, ANCHOR).accessKeyId)
    assert.isTrue(isCredentialValid(served.accessKeyId, series, now))
    // From the anchor on, the series starts at index 0 again.
    assert.strictEqual(credentialsAt(series, ANCHOR).index, 0)
    assert.deepStrictEqual(
      validCredentialsAt(series, ANCHOR).map((c) => c.index),
      [0]
    )
  })
})
