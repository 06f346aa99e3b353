import { assert, describe, it } from "@effect/vitest"
import { afterEach, vi } from "vitest"
import { clientFor, type Emulator, isTokenPut, journal, lastSeq, useEmulator, watchHolds } from "./support/emulator.ts"

const instanceIdPath = "/latest/meta-data/instance-id"
const waitLong = { timeout: 10_000, interval: 5 } // a safety net for an event that never comes, not a timing bound

/** A client that would keep retrying for a long time if nothing stopped it. */
const patientClient = (s: Emulator) =>
  clientFor(s, { maxAttempts: 100, backoffBaseMs: 20, backoffMaxMs: 20, totalTimeoutMs: 30_000 })

/**
 * Faults that refuse the first request on `route` and hold every later one: the retry is in flight on the server
 * when the test aborts, and so would any request after it be.
 */
const refuseThenHold = (s: Emulator, route: { route: "token" } | { pathPrefix: string }, status: number) => {
  s.services.faults.table.add({ ...route, action: { type: "status", status }, times: 1 })
  s.services.faults.table.add({ ...route, action: { type: "blackhole" } })
}

/**
 * After an abort, by events rather than by waiting: the request the server was holding ends because the client hung
 * up, which it does only when its work is interrupted (its own deadline is 20 s away), so nothing can follow; the
 * journal then holds exactly `expected` ([method, status], 0 for the held one) and no other request reached a hold.
 */
const assertRequestsStopped = async (
  s: Emulator,
  since: number,
  held: () => number,
  expected: Array<[string, number]>
) => {
  await vi.waitFor(
    async () =>
      assert.deepStrictEqual(
        (await journal(s, since)).map((e): [string, number] => [e.method, e.status]),
        expected
      ),
    waitLong
  )
  assert.strictEqual(held(), 1)
}

describe("cancellation", () => {
  const server = useEmulator()
  afterEach(() => {
    server().services.faults.table.clear()
  })

  it("aborting a Promise call mid-retry stops further requests", async () => {
    const s = server()
    const client = patientClient(s)
    await client.regionId()
    const held = watchHolds(s)
    refuseThenHold(s, { pathPrefix: instanceIdPath }, 503)
    const since = await lastSeq(s)
    const controller = new AbortController()
    const call = client.instanceId({ signal: controller.signal }).catch((e: unknown) => e)
    await vi.waitFor(() => assert.strictEqual(held(), 1), waitLong) // the retry is on the server
    controller.abort()
    const error = (await call) as Error
    assert.strictEqual(error.name, "AbortError")
    await assertRequestsStopped(s, since, held, [
      ["GET", 503],
      ["GET", 0]
    ])
  })

  it("aborting the only caller of a retrying token PUT stops the PUTs too", async () => {
    const s = server()
    const held = watchHolds(s)
    refuseThenHold(s, { route: "token" }, 500)
    const since = await lastSeq(s)
    const controller = new AbortController()
    const call = patientClient(s)
      .instanceId({ signal: controller.signal })
      .catch((e: unknown) => e)
    await vi.waitFor(() => assert.strictEqual(held(), 1), waitLong) // the retried PUT is on the server
    controller.abort(new Error("caller gave up"))
    assert.strictEqual(((await call) as Error).message, "caller gave up")
    // The shared PUT runs in its own fiber: it too was interrupted, and no GET was sent.
    await assertRequestsStopped(s, since, held, [
      ["PUT", 500],
      ["PUT", 0]
    ])
    assert.isTrue((await journal(s, since)).every(isTokenPut))
  })

  it("a shared token PUT keeps going while another caller still waits for it", async () => {
    const s = server()
    s.services.faults.table.add({ route: "token", action: { type: "status", status: 500 }, times: 3 })
    const client = patientClient(s)
    const controller = new AbortController()
    const leaving = client.instanceId({ signal: controller.signal }).catch((e: unknown) => e)
    const staying = client.instanceId()
    controller.abort()
    assert.strictEqual(((await leaving) as Error).name, "AbortError")
    assert.strictEqual(await staying, s.defaultInstanceId)
  })

  it("an already aborted signal rejects without sending anything", async () => {
    const s = server()
    const since = await lastSeq(s)
    const error = await patientClient(s)
      .instanceId({ signal: AbortSignal.abort() })
      .catch((e: unknown) => e)
    assert.strictEqual((error as Error).name, "AbortError")
    assert.strictEqual((await journal(s, since)).length, 0)
  })
})
