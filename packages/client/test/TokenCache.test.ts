import { assert, describe, it } from "@effect/vitest"
import { afterEach } from "vitest"
import { ServerError, Unauthorized } from "../src/index.ts"
import { admin, clientFor, isTokenPut, journal, lastSeq, useEmulator, virtualNow } from "./support/emulator.ts"

describe("session tokens", () => {
  const server = useEmulator()
  afterEach(() => {
    server().services.faults.table.clear()
  })

  it("500 concurrent cold calls share exactly one token PUT", async () => {
    const s = server()
    const since = await lastSeq(s)
    const client = clientFor(s)
    const ids = await Promise.all(Array.from({ length: 500 }, () => client.instanceId()))
    assert.isTrue(ids.every((id) => id === s.defaultInstanceId))
    const entries = await journal(s, since)
    assert.strictEqual(entries.filter(isTokenPut).length, 1)
    const gets = entries.filter((e) => e.method === "GET")
    assert.strictEqual(gets.length, 500)
    assert.isTrue(gets.every((e) => e.mode === "token" && e.status === 200))
    // 500 real requests: a loaded CI machine (the sandbox suites spawn many processes) can take longer than 20 s.
  }, 60_000)

  it("a cached token is reused until it nears expiry", async () => {
    const s = server()
    const client = clientFor(s)
    await client.instanceId()
    const since = await lastSeq(s)
    await client.regionId()
    await client.zoneId()
    assert.strictEqual((await journal(s, since)).filter(isTokenPut).length, 0)
  })

  it("a token that expired on the virtual clock is replaced transparently after the service's 401", async () => {
    const s = server()
    const client = clientFor(s) // real clock: only the service knows the token expired
    await client.instanceId()
    await admin(s, s.services.clock.advance("6 hours"))
    const since = await lastSeq(s)
    const response = await client.get("meta-data/region-id")
    assert.strictEqual(response.status, 200)
    assert.strictEqual(response.attempts, 2)
    const entries = await journal(s, since)
    assert.deepStrictEqual(
      entries.map((e) => [e.method, e.status, e.reason]),
      [
        ["GET", 401, "TokenExpired"],
        ["PUT", 200, null],
        ["GET", 200, null]
      ]
    )
  })

  it("with the virtual clock as time source, the client renews before the service refuses", async () => {
    const s = server()
    const client = clientFor(s, { now: virtualNow(s), tokenTtlSeconds: 600 })
    await client.instanceId()
    await admin(s, s.services.clock.advance("570 seconds")) // inside the 60 s refresh margin
    const since = await lastSeq(s)
    await client.instanceId()
    const entries = await journal(s, since)
    assert.deepStrictEqual(
      entries.map((e) => [e.method, e.status]),
      [
        ["PUT", 200],
        ["GET", 200]
      ]
    )
  })

  it("an injected 401 drops the token, re-tokens once and retries once", async () => {
    const s = server()
    const client = clientFor(s)
    await client.instanceId()
    s.services.faults.table.add({
      route: "metadata",
      pathPrefix: "/latest/meta-data/hostname",
      action: { type: "status", status: 401 },
      times: 1
    })
    const since = await lastSeq(s)
    assert.strictEqual(await client.hostname(), await clientFor(s).hostname())
    const entries = (await journal(s, since)).slice(0, 3)
    assert.deepStrictEqual(
      entries.map((e) => [e.method, e.status]),
      [
        ["GET", 401],
        ["PUT", 200],
        ["GET", 200]
      ]
    )
  })

  it("a second 401 after re-tokening fails with Unauthorized instead of looping", async () => {
    const s = server()
    const client = clientFor(s)
    await client.instanceId()
    s.services.faults.table.add({ route: "metadata", action: { type: "status", status: 401 } })
    const since = await lastSeq(s)
    const error = await client.hostname().catch((e: unknown) => e)
    assert.instanceOf(error, Unauthorized)
    assert.strictEqual((error as Unauthorized).attempts, 2)
    const entries = await journal(s, since)
    assert.strictEqual(entries.filter(isTokenPut).length, 1)
    assert.strictEqual(entries.filter((e) => e.method === "GET").length, 2)
  })

  it("a failing token PUT is shared too: 50 concurrent callers cause one retry sequence, not 50", async () => {
    const s = server()
    s.services.faults.table.add({ route: "token", action: { type: "status", status: 500 } })
    const since = await lastSeq(s)
    const client = clientFor(s, { maxAttempts: 3 })
    const results = await Promise.allSettled(Array.from({ length: 50 }, () => client.instanceId()))
    assert.isTrue(results.every((r) => r.status === "rejected" && r.reason instanceof ServerError))
    const entries = await journal(s, since)
    assert.strictEqual(entries.filter(isTokenPut).length, 3)
    assert.strictEqual(entries.filter((e) => e.method === "GET").length, 0)
  })

  it("token() hands out the token the client uses, with its TTL and expiry, sharing it with accessors", async () => {
    const s = server()
    const client = clientFor(s, { now: virtualNow(s), tokenTtlSeconds: 120 })
    const since = await lastSeq(s)
    const asked = s.services.clock.nowUnsafe()
    const [session, again] = await Promise.all([client.token(), client.token()])
    const answered = s.services.clock.nowUnsafe()
    assert.deepStrictEqual(again, session)
    assert.strictEqual(session.ttlSeconds, 120)
    // The client reads its clock just before asking (the virtual clock runs on between these reads).
    assert.isAtLeast(session.expiresAt, asked + 120_000)
    assert.isAtMost(session.expiresAt, answered + 120_000)
    await client.instanceId()
    const entries = await journal(s, since)
    assert.strictEqual(entries.filter(isTokenPut).length, 1)
    // The token printed is one the service accepts for the instance.
    const check = await client.getWithToken("meta-data/instance-id", session.token)
    assert.strictEqual(new TextDecoder().decode(check.body), s.defaultInstanceId)
    assert.strictEqual(check.mode, "token")
  })

  it("getWithToken reports a refused token as Unauthorized, with no fresh token and no retry", async () => {
    const s = server()
    const client = clientFor(s)
    const since = await lastSeq(s)
    const error = await client.getWithToken("meta-data/instance-id", "not-a-token").catch((e: unknown) => e)
    assert.instanceOf(error, Unauthorized)
    assert.strictEqual((error as Unauthorized).path, "/latest/meta-data/instance-id")
    const entries = await journal(s, since)
    assert.deepStrictEqual(
      entries.map((e) => [e.method, e.status, e.reason]),
      [["GET", 401, "TokenMalformed"]]
    )
  })
})
