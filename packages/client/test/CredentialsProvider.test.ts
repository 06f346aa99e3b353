import { createRequire } from "node:module"
import type AlicloudCredentials from "@alicloud/credentials"
import { assert, describe, it } from "@effect/vitest"
import { afterEach, vi } from "vitest"
import { ServerError } from "../src/index.ts"
import {
  admin,
  clientFor,
  type Emulator,
  journal,
  lastSeq,
  rawGet,
  useEmulator,
  virtualNow
} from "./support/emulator.ts"

const { default: Credential } = createRequire(import.meta.url)("@alicloud/credentials") as typeof AlicloudCredentials

const credentialsPath = "/latest/meta-data/ram/security-credentials/AliyunImdsDemoRole"

/** What the emulator serves right now. */
const served = async (s: Emulator) =>
  JSON.parse(new TextDecoder().decode((await rawGet(s, credentialsPath)).body)) as {
    AccessKeyId: string
    Expiration: string
  }

/** Moves the virtual clock to `msBefore` ms before `expiration`. */
const advanceTo = async (s: Emulator, expiration: Date, msBefore: number) => {
  const delta = expiration.getTime() - msBefore - s.services.clock.nowUnsafe()
  if (delta > 0) await admin(s, s.services.clock.advance(delta))
}

const minutes = (n: number) => n * 60_000

describe("RAM credentials provider", () => {
  const server = useEmulator()
  const providerFor = (s: Emulator) => clientFor(s, { now: virtualNow(s), maxAttempts: 2 }).credentialsProvider()
  afterEach(() => {
    server().services.faults.table.clear()
  })

  it("serves cached credentials without a request while they are fresh", async () => {
    const s = server()
    const provider = providerFor(s)
    const first = await provider.getRamCredentials()
    assert.strictEqual(first.accessKeyId, (await served(s)).AccessKeyId)
    const since = await lastSeq(s)
    assert.deepStrictEqual(await provider.getRamCredentials(), first)
    assert.strictEqual((await journal(s, since)).length, 0)
  })

  it("after rotation on the virtual clock, stale credentials are replaced by the new ones", async () => {
    const s = server()
    const provider = providerFor(s)
    const first = await provider.getRamCredentials()
    await advanceTo(s, first.expiration, minutes(10)) // past Expiration − 15 min, inside the 30 min overlap
    const second = await provider.getRamCredentials()
    assert.notStrictEqual(second.accessKeyId, first.accessKeyId)
    assert.strictEqual(second.accessKeyId, (await served(s)).AccessKeyId)
    assert.isAbove(second.expiration.getTime(), first.expiration.getTime())
  })

  it("inside the prefetch window it answers from cache and refreshes in the background", async () => {
    const s = server()
    const provider = providerFor(s)
    const first = await provider.getRamCredentials()
    await advanceTo(s, first.expiration, minutes(20)) // new keys exist (30 min overlap), old ones not yet stale
    assert.strictEqual((await provider.getRamCredentials()).accessKeyId, first.accessKeyId)
    await vi.waitFor(async () => {
      assert.notStrictEqual((await provider.getRamCredentials()).accessKeyId, first.accessKeyId)
    })
    assert.strictEqual((await provider.getRamCredentials()).accessKeyId, (await served(s)).AccessKeyId)
  })

  it("a failed refresh keeps serving the cached keys while valid, and errors after they expire", async () => {
    const s = server()
    const provider = providerFor(s)
    const first = await provider.getRamCredentials()
    s.services.faults.table.add({ pathPrefix: "/latest/meta-data/ram/", action: { type: "status", status: 500 } })
    await advanceTo(s, first.expiration, minutes(10))
    assert.strictEqual((await provider.getRamCredentials()).accessKeyId, first.accessKeyId)
    await advanceTo(s, first.expiration, -1000)
    const error = await provider.getRamCredentials().catch((e: unknown) => e)
    assert.instanceOf(error, ServerError)
    s.services.faults.table.clear()
    assert.strictEqual((await provider.getRamCredentials()).accessKeyId, (await served(s)).AccessKeyId)
  })

  it("concurrent stale callers share one refresh", async () => {
    const s = server()
    const provider = providerFor(s)
    const first = await provider.getRamCredentials()
    await advanceTo(s, first.expiration, minutes(10))
    const since = await lastSeq(s)
    const all = await Promise.all(Array.from({ length: 20 }, () => provider.getRamCredentials()))
    assert.strictEqual(new Set(all.map((c) => c.accessKeyId)).size, 1)
    const credentialGets = (await journal(s, since)).filter((e) => e.path === credentialsPath)
    assert.strictEqual(credentialGets.length, 1)
  })

  it("plugs into @alicloud/credentials as a custom provider", async () => {
    const s = server()
    const credential = new Credential(undefined, providerFor(s))
    const model = await credential.getCredential()
    const expected = await served(s)
    assert.strictEqual(model.accessKeyId, expected.AccessKeyId)
    assert.isNotEmpty(model.accessKeySecret)
    assert.isNotEmpty(model.securityToken)
    assert.strictEqual(model.type, "ecs_ram_role")
    assert.strictEqual(credential.getType(), "ecs_ram_role")
  })
})
