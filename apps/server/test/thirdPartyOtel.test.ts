// The real `@opentelemetry/resource-detector-alibaba-cloud` 0.38.0, unmodified, against the emulator on a loopback
// socket (spec §14.6): it reads the identity document and the hostname token-less, so it detects in optional mode
// and yields an empty resource when tokens are required or the endpoint is off.
import { alibabaCloudEcsDetector } from "@opentelemetry/resource-detector-alibaba-cloud"
import { detectResources } from "@opentelemetry/resources"
import { afterAll, afterEach, assert, beforeAll, beforeEach, describe, it } from "vitest"
import { type Emulator, sequenceOf } from "./support/emulator.ts"
import { type Redirect, startRedirected, stopRedirected } from "./support/redirect.ts"
import { startTap } from "./support/tap.ts"

const documentGet = "GET /latest/dynamic/instance-identity/document"
const hostnameGet = "GET /latest/meta-data/hostname"

let emulator: Emulator
let redirect: Redirect

beforeAll(async () => {
  ;({ emulator, redirect } = await startRedirected())
})

afterAll(() => stopRedirected(emulator, redirect))

beforeEach(async () => {
  await emulator.setMetadataOptions({ HttpTokens: "optional", HttpEndpoint: "enabled" })
  await emulator.clearJournal()
})

afterEach(() => {
  redirect.dropConnections()
  assert.deepStrictEqual(redirect.refused(), [], "a connect to a non-loopback address was attempted")
})

/** The detector's attributes are promises (0.38 detectors are synchronous with async values): await each one. */
const detectRaw = async (): Promise<Record<string, unknown>> => {
  const entries = Object.entries(alibabaCloudEcsDetector.detect().attributes ?? {})
  const settled = await Promise.all(entries.map(async ([key, value]) => [key, await value] as const))
  return Object.fromEntries(settled.filter(([, value]) => value !== undefined))
}

/** What an SDK does: detectResources, then wait for the async attributes. */
const detectAsSdk = async (): Promise<Record<string, unknown>> => {
  const resource = detectResources({ detectors: [alibabaCloudEcsDetector] })
  await resource.waitForAsyncAttributes?.()
  return { ...resource.attributes }
}

describe("@opentelemetry/resource-detector-alibaba-cloud", () => {
  it("in optional mode detects the emulated instance's account, region, zone and host", async () => {
    const instance = emulator.instance()
    const expected = {
      "cloud.provider": "alibaba_cloud",
      "cloud.platform": "alibaba_cloud_ecs",
      "cloud.account.id": instance.ownerAccountId,
      "cloud.region": instance.regionId,
      "cloud.availability_zone": instance.zoneId,
      "host.id": instance.instanceId,
      "host.type": instance.instanceType,
      "host.name": instance.hostname
    }

    assert.deepStrictEqual(await detectRaw(), expected)
    assert.deepStrictEqual(await detectAsSdk(), expected)
    const entries = await emulator.journal()
    assert.deepStrictEqual(sequenceOf(entries), [documentGet, hostnameGet, documentGet, hostnameGet])
    for (const entry of entries) {
      assert.strictEqual(entry.status, 200)
      assert.strictEqual(entry.mode, "normal")
    }
  })

  it("in required mode yields an empty resource after one refused token-less read", async () => {
    await emulator.setMetadataOptions({ HttpTokens: "required" })

    assert.deepStrictEqual(await detectRaw(), {})
    assert.deepStrictEqual(await detectAsSdk(), {})
    const entries = await emulator.journal()
    assert.deepStrictEqual(sequenceOf(entries), [documentGet, documentGet])
    for (const entry of entries) {
      assert.strictEqual(entry.status, 403)
      assert.strictEqual(entry.reason, "TokenRequired")
    }
  })

  it("with the endpoint disabled yields an empty resource", async () => {
    await emulator.setMetadataOptions({ HttpEndpoint: "disabled" })

    assert.deepStrictEqual(await detectAsSdk(), {})
    assert.deepStrictEqual(
      (await emulator.journal()).map((e) => e.status),
      [403]
    )
  })

  it("its reads arrive as sent to 100.100.100.200, with the Host header kept and no token", async () => {
    const tap = await startTap(emulator.server.port)
    redirect.target(tap.port)
    try {
      await detectRaw()
    } finally {
      redirect.dropConnections()
      redirect.target(emulator.server.port)
      await tap.close()
    }

    const heads = tap.requests()
    assert.deepStrictEqual(
      heads.map((h) => `${h.method} ${h.target}`),
      [documentGet, hostnameGet]
    )
    for (const head of heads) {
      assert.strictEqual(head.headers.host, "100.100.100.200")
      assert.notProperty(head.headers, "x-aliyun-ecs-metadata-token")
    }
  })
})
