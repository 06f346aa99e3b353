import { assert, describe, it } from "@effect/vitest"
import { afterEach, vi } from "vitest"
import { clientFor, type Emulator, isTokenPut, journal, lastSeq, useEmulator } from "./support/emulator.ts"

const instanceIdPath = "/latest/meta-data/instance-id"
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** A client that would keep retrying for a long time if nothing stopped it. */
const patientClient = (s: Emulator) =>
  clientFor(s, { maxAttempts: 100, backoffBaseMs: 20, backoffMaxMs: 20, totalTimeoutMs: 30_000 })

/** After an abort: at most the one request already on the wire is still journaled, and nothing follows it. */
const assertRequestsStopped = async (s: Emulator, since: number) => {
  const atAbort = (await journal(s, since)).length
  await sleep(150)
  const settled = (await journal(s, since)).length
  assert.isAtMost(settled, atAbort + 1)
  await sleep(300)
  assert.strictEqual((await journal(s, since)).length, settled)
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
    s.services.faults.table.add({ pathPrefix: instanceIdPath, action: { type: "status", status: 503 } })
    const since = await lastSeq(s)
    const controller = new AbortController()
    const call = client.instanceId({ signal: controller.signal }).catch((e: unknown) => e)
    await vi.waitFor(async () => assert.isAtLeast((await journal(s, since)).length, 2))
    controller.abort()
    const error = (await call) as Error
    assert.strictEqual(error.name, "AbortError")
    await assertRequestsStopped(s, since)
  })

  it("aborting the only caller of a retrying token PUT stops the PUTs too", async () => {
    const s = server()
    s.services.faults.table.add({ route: "token", action: { type: "status", status: 500 } })
    const since = await lastSeq(s)
    const controller = new AbortController()
    const call = patientClient(s)
      .instanceId({ signal: controller.signal })
      .catch((e: unknown) => e)
    await vi.waitFor(async () => assert.isAtLeast((await journal(s, since)).filter(isTokenPut).length, 2))
    controller.abort(new Error("caller gave up"))
    assert.strictEqual(((await call) as Error).message, "caller gave up")
    await assertRequestsStopped(s, since)
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
