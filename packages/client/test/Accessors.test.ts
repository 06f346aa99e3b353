import { defaultFleet, type FleetConfig, type Instance } from "@aliyun-imds/core"
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { Forbidden, type ImdsPromiseClient } from "../src/index.ts"
import { admin, clientFor, instanceOf, journal, lastSeq, rawGet, useEmulator } from "./support/emulator.ts"

type HttpTokens = "optional" | "required"

/** The default instance with every optional item present: public IPs, vendor data, tags, IPv6, two ENIs. */
const richFleet = (httpTokens: HttpTokens): FleetConfig => {
  const fleet = defaultFleet()
  const base = fleet.instances[0]!
  const eni = base.networkInterfaces[0]!
  const instance: Instance = {
    ...base,
    metadataOptions: { ...base.metadataOptions, HttpTokens: httpTokens, InstanceMetadataTags: "enabled" },
    publicIpv4: "47.95.10.20",
    eipv4: "47.95.10.21",
    vendorData: "#cloud-config\nruncmd: []",
    marketPlace: { productCode: "cmjj012345", chargeType: "PrePaid" },
    launchIndex: 0,
    kmsServer: "kms.cloud.aliyuncs.com",
    wsusServer: { wuServer: "http://update.cloud.aliyuncs.com", wuStatusServer: "http://update.cloud.aliyuncs.com" },
    tags: { env: "dev", "team:owner": "sre@example.com" },
    networkInterfaces: [
      {
        ...eni,
        ipv4Prefixes: ["172.18.220.16/28", "172.18.220.32/28"],
        ipv6s: ["2408:4005:3a0:d200::1", "2408:4005:3a0:d200::2"],
        ipv6Prefixes: ["2408:4005:3a0:d200:1::/80"],
        ipv6Gateway: "2408:4005:3a0:d200:ffff:ffff:ffff:fff7",
        vswitchIpv6CidrBlock: "2408:4005:3a0:d200::/64",
        vpcIpv6CidrBlocks: ["2408:4005:3a0:d200::/56"]
      },
      {
        ...eni,
        mac: "00:16:3e:aa:bb:cc",
        networkInterfaceId: "eni-2zesecondary0000000",
        primaryIpAddress: "172.18.220.200",
        privateIpv4s: ["172.18.220.200", "172.18.220.201"]
      }
    ]
  }
  return { ...fleet, defaultInstanceId: instance.instanceId, instances: [instance] }
}

/** The default instance with nothing optional: no role, keys, disks, user data or public address. */
const sparseFleet = (): FleetConfig => {
  const fleet = defaultFleet()
  const base = fleet.instances[0]!
  const instance: Instance = {
    ...base,
    ramRole: null,
    publicKeys: [],
    disks: [],
    userData: null,
    publicIpv4: null,
    marketPlace: null,
    launchIndex: null,
    kmsServer: null,
    wsusServer: null
  }
  return { ...fleet, instances: [instance] }
}

const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes)

describe.each(["optional", "required"] as const)("accessors with HttpTokens=%s", (httpTokens) => {
  const server = useEmulator({ fleet: richFleet(httpTokens) })
  let client: ImdsPromiseClient
  const model = () => instanceOf(server()).instance

  it("scalar items equal the emulator's model and its raw bytes", async () => {
    client = clientFor(server())
    const m = model()
    const eni = m.networkInterfaces[0]!
    const cases: ReadonlyArray<readonly [string, () => Promise<string | null>, string]> = [
      ["instance-id", client.instanceId, m.instanceId],
      ["region-id", client.regionId, m.regionId],
      ["zone-id", client.zoneId, m.zoneId],
      ["hostname", client.hostname, m.hostname],
      ["instance/instance-type", client.instanceType, m.instanceType],
      ["instance/instance-name", client.instanceName, m.instanceName],
      ["image-id", client.imageId, m.imageId],
      ["owner-account-id", client.ownerAccountId, m.ownerAccountId],
      ["serial-number", client.serialNumber, m.serialNumber],
      ["network-type", client.networkType, "vpc"],
      ["mac", client.mac, eni.mac],
      ["private-ipv4", client.privateIpv4, eni.primaryIpAddress],
      ["public-ipv4", client.publicIpv4, m.publicIpv4!],
      ["eipv4", client.eipv4, m.eipv4!],
      ["vpc-id", client.vpcId, eni.vpcId],
      ["vpc-cidr-block", client.vpcCidrBlock, eni.vpcCidrBlock],
      ["vswitch-id", client.vswitchId, eni.vswitchId],
      ["vswitch-cidr-block", client.vswitchCidrBlock, eni.vswitchCidrBlock]
    ]
    for (const [path, accessor, expected] of cases) {
      const raw = await rawGet(server(), `/latest/meta-data/${path}`)
      assert.strictEqual(await accessor(), expected, path)
      assert.strictEqual(text(raw.body), expected, `raw ${path}`)
    }
    assert.strictEqual(client.lastMode, "token")
  })

  it("bandwidth, marketplace, hibernation, launch index and the Windows servers decode from their leaves", async () => {
    const m = model()
    assert.strictEqual(await client.maxNetbwEgress(), m.maxNetbwEgress)
    assert.strictEqual(await client.maxNetbwIngress(), m.maxNetbwIngress)
    const egress = await rawGet(server(), "/latest/meta-data/instance/max-netbw-egress")
    assert.strictEqual(text(egress.body), String(m.maxNetbwEgress))
    assert.deepStrictEqual(await client.marketPlace(), { productCode: "cmjj012345", chargeType: "PrePaid" })
    assert.strictEqual(await client.hibernationConfigured(), m.hibernationConfigured)
    assert.strictEqual(await client.launchIndex(), 0)
    assert.strictEqual(await client.kmsServer(), "kms.cloud.aliyuncs.com")
    assert.deepStrictEqual(await client.wsusServer(), m.wsusServer)
  })

  it("CRLF lists are split and raw get() keeps the exact bytes", async () => {
    const m = model()
    assert.deepStrictEqual(await client.dnsNameservers(), m.dnsNameservers)
    assert.deepStrictEqual(await client.ntpServers(), m.ntpServers)
    const raw = await client.get("meta-data/dns-conf/nameservers")
    assert.deepStrictEqual(raw.body, (await rawGet(server(), "/latest/meta-data/dns-conf/nameservers")).body)
    assert.include(text(raw.body), "\r\n")
    assert.strictEqual(raw.mode, "token")
    assert.strictEqual(raw.attempts, 1)
  })

  it("network interfaces decode JSON arrays, bracket lists and line lists", async () => {
    const byMac = (a: { mac: string }, b: { mac: string }) => a.mac.localeCompare(b.mac)
    const expected = [...model().networkInterfaces].sort(byMac)
    assert.deepStrictEqual([...(await client.networkInterfaces())].sort(byMac), expected)
    const primary = model().networkInterfaces[0]!
    const ipv6s = await rawGet(server(), `/latest/meta-data/network/interfaces/macs/${primary.mac}/ipv6s`)
    assert.strictEqual(text(ipv6s.body), `[${primary.ipv6s.join(",")}]`, "the wire form is an unquoted bracket list")
    const secondary = await rawGet(server(), "/latest/meta-data/network/interfaces/macs/00:16:3e:aa:bb:cc/ipv6s")
    assert.strictEqual(secondary.status, 404, "an ENI without IPv6 has no ipv6s item")
  })

  it("disks, public keys and tags", async () => {
    const m = model()
    assert.deepStrictEqual(
      await client.disks(),
      m.disks.map((d) => ({ serial: d.id.replace(/^d-/, ""), id: d.id, name: d.name }))
    )
    assert.deepStrictEqual(
      await client.publicKeys(),
      m.publicKeys.map((k) => ({ id: k.id, opensshKey: k.openssh }))
    )
    assert.deepStrictEqual(await client.tags(), m.tags)
  })

  it("user-data and vendor-data come back as the exact bytes", async () => {
    const userData = await client.userData()
    assert.deepStrictEqual(userData, (await rawGet(server(), "/latest/user-data")).body)
    assert.strictEqual(text(userData!), model().userData)
    assert.strictEqual(text((await client.vendorData())!), model().vendorData)
  })

  it("spot termination time and system events follow the emulator's schedule", async () => {
    const s = server()
    const id = s.defaultInstanceId
    assert.isNull(await client.spotTerminationTime())
    assert.deepStrictEqual(await client.systemEvents(), [])
    const at = Math.floor(s.services.clock.nowUnsafe() / 1000) * 1000 + 3_600_000
    await admin(s, s.services.fleet.scheduleSpot(id, at))
    await admin(s, s.services.fleet.addSystemEvent(id, { eventType: "SystemMaintenance.Reboot", notBeforeMs: at }))
    assert.strictEqual((await client.spotTerminationTime())?.getTime(), at)
    const events = await client.systemEvents()
    assert.strictEqual(events.length, 1)
    assert.strictEqual(events[0]!.eventType, "SystemMaintenance.Reboot")
    assert.strictEqual(events[0]!.notBefore.getTime(), at)
    await admin(s, s.services.fleet.cancelSpot(id))
    await admin(s, s.services.fleet.clearSystemEvents(id))
    assert.isNull(await client.spotTerminationTime())
  })

  it("meta-data/all decodes to the same tree as the raw JSON", async () => {
    const raw = await rawGet(server(), "/latest/meta-data/all")
    assert.deepStrictEqual(await client.metaDataAll(), JSON.parse(text(raw.body)))
  })

  it("the identity document is decoded and its PKCS#7 verifies, with and without an audience", async () => {
    const s = server()
    const m = model()
    const document = await client.identityDocument()
    const raw = JSON.parse(text((await rawGet(s, "/latest/dynamic/instance-identity/document")).body))
    assert.strictEqual(document.instanceId, raw["instance-id"])
    assert.strictEqual(document.instanceType, m.instanceType)
    assert.strictEqual(document.privateIpv4, m.networkInterfaces[0]!.primaryIpAddress)
    const certificate = await Effect.runPromise(s.services.identity.certificatePem)
    const plain = await client.verifyIdentity(await client.identityPkcs7(), certificate)
    assert.isTrue(plain.valid)
    assert.deepStrictEqual(plain.document, document)
    const withAudience = await client.verifyIdentity(await client.identityPkcs7("sts.example.com"), certificate)
    assert.isTrue(withAudience.valid)
    assert.strictEqual(withAudience.document?.audience, "sts.example.com")
    assert.isFalse((await client.verifyIdentity("bm90IGEgcGtjczc=", certificate)).valid)
  })

  it("the RAM role and its credentials equal the raw JSON", async () => {
    const role = await client.ramRoleName()
    assert.strictEqual(role, model().ramRole?.name)
    const path = `/latest/meta-data/ram/security-credentials/${role}`
    const raw = await rawGet(server(), path)
    const json = JSON.parse(text(raw.body))
    const credentials = await client.ramCredentials()
    assert.strictEqual(credentials.accessKeyId, json.AccessKeyId)
    assert.strictEqual(credentials.securityToken, json.SecurityToken)
    assert.strictEqual(credentials.expiration.getTime(), Date.parse(json.Expiration))
    assert.strictEqual((await client.get(path)).body[0], 0x20, "the leading space survives raw get()")
  })

  it("every request of a token-mode client is journalled in token mode", async () => {
    const s = server()
    const since = await lastSeq(s)
    await clientFor(s).instanceId()
    const entries = (await journal(s, since)).filter((e) => e.method === "GET")
    assert.isAbove(entries.length, 0)
    assert.isTrue(entries.every((e) => e.mode === "token"))
  })

  it(`a normal-mode client ${httpTokens === "required" ? "is refused with advice" : "works without tokens"}`, async () => {
    const normal = clientFor(server(), { mode: "normal" })
    if (httpTokens === "optional") {
      assert.strictEqual(await normal.instanceId(), model().instanceId)
      assert.strictEqual(normal.lastMode, "normal")
      return
    }
    const error = await normal.instanceId().then(
      () => assert.fail("expected Forbidden"),
      (e: unknown) => e
    )
    assert.instanceOf(error, Forbidden)
    assert.strictEqual((error as Forbidden).reason, "normalModeRefused")
    assert.include((error as Forbidden).message, "use mode 'token'")
  })
})

describe("items absent on a sparse instance", () => {
  const server = useEmulator({ fleet: sparseFleet() })

  it("404s become null or empty collections, never errors", async () => {
    const client = clientFor(server())
    assert.isNull(await client.publicIpv4())
    assert.isNull(await client.eipv4())
    assert.isNull(await client.userData())
    assert.isNull(await client.vendorData())
    assert.isNull(await client.ramRoleName())
    assert.deepStrictEqual(await client.disks(), [])
    assert.deepStrictEqual(await client.publicKeys(), [])
    assert.deepStrictEqual(await client.tags(), {})
    assert.isNull(await client.marketPlace())
    assert.isNull(await client.launchIndex())
    assert.isNull(await client.kmsServer())
    assert.isNull(await client.wsusServer())
    const error = await client.ramCredentials().catch((e: unknown) => e)
    assert.strictEqual((error as { _tag: string })._tag, "NotFound")
    assert.include((error as Error).message, "no RAM role is attached")
  })
})
