import { assert, describe, it } from "@effect/vitest"
import { Base64 } from "effect/encoding"
import { defaultFleet, makeFleetContext, resolveInstance } from "../src/fleet/FleetDefaults.ts"
import type { InstanceInput } from "../src/fleet/FleetSchema.ts"
import { type Instance, primaryInterface } from "../src/fleet/Instance.ts"
import { cidrContains, parseCidr, parseIp } from "../src/fleet/IpAddress.ts"
import { findRegion, regions } from "../src/fleet/Regions.ts"

const generate = (seed: string, count: number, input: InstanceInput = {}): Array<Instance> => {
  const context = makeFleetContext(seed)
  return Array.from({ length: count }, (_, i) => resolveInstance(input, context, i))
}

const one = (input: InstanceInput, seed = "defaults") => resolveInstance(input, makeFleetContext(seed), 0)

const inside = (ip: string, block: string) => cidrContains(parseCidr(block)!, parseIp(ip)!)

describe("FleetDefaults", () => {
  it("generates the same instances for the same seed and different ones for another seed", () => {
    assert.deepStrictEqual(generate("alpha", 5), generate("alpha", 5))
    const [a, b] = [generate("alpha", 1)[0]!, generate("beta", 1)[0]!]
    assert.notStrictEqual(a.instanceId, b.instanceId)
    assert.notStrictEqual(primaryInterface(a).mac, primaryInterface(b).mac)
  })

  it("gives every instance of a fleet a distinct id but one owner account", () => {
    const fleet = generate("many", 200)
    assert.strictEqual(new Set(fleet.map((i) => i.instanceId)).size, 200)
    assert.strictEqual(new Set(fleet.map((i) => i.ownerAccountId)).size, 1)
    assert.match(fleet[0]!.ownerAccountId, /^\d{16}$/)
  })

  it("formats ids, names and serials like the real service", () => {
    for (const instance of generate("formats", 50)) {
      const prefix = findRegion(instance.regionId)!.idPrefix
      const eni = primaryInterface(instance)
      assert.match(instance.instanceId, new RegExp(`^i-${prefix}[a-z0-9]{${20 - prefix.length}}$`))
      assert.strictEqual(instance.hostname, `iZ${instance.instanceId.slice(2)}Z`)
      assert.strictEqual(instance.instanceName, instance.hostname)
      assert.match(eni.vpcId, /^vpc-[a-z0-9]{24}$/)
      assert.match(eni.vswitchId, /^vsw-[a-z0-9]{24}$/)
      assert.match(eni.networkInterfaceId, /^eni-[a-z0-9]{24}$/)
      assert.match(eni.mac, /^00:16:3e(:[0-9a-f]{2}){3}$/)
      assert.match(instance.disks[0]!.id, /^d-[a-z0-9]{20}$/)
      assert.match(instance.serialNumber, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/)
      assert.match(instance.lastHostLandingTime, /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/)
      assert.match(instance.instanceType, /^ecs\.[a-z0-9-]+\.[a-z0-9]+$/)
      assert.isAbove(instance.maxNetbwEgress, 0)
      assert.strictEqual(instance.virtualizationSolution, "ECS Virt")
      assert.strictEqual(instance.virtualizationSolutionVersion, "2.0")
    }
  })

  it("picks a region and a zone of that region", () => {
    for (const instance of generate("placement", 100)) {
      const region = findRegion(instance.regionId)
      assert.isDefined(region)
      assert.include(
        region!.zones.map((z) => `${instance.regionId}-${z}`),
        instance.zoneId
      )
    }
  })

  it("keeps a given region and derives the region from a given zone", () => {
    const beijing = one({ regionId: "cn-beijing" })
    assert.match(beijing.zoneId, /^cn-beijing-[a-z]$/)
    assert.match(beijing.instanceId, /^i-2ze/)
    const zone = one({ zoneId: "cn-shanghai-l" })
    assert.strictEqual(zone.regionId, "cn-shanghai")
    const unknown = one({ regionId: "me-east-1" })
    assert.match(unknown.zoneId, /^me-east-1-[ab]$/)
  })

  it("puts the private IP inside the vSwitch /24 inside the VPC /16, clear of reserved addresses", () => {
    for (const instance of generate("network", 300)) {
      const eni = primaryInterface(instance)
      assert.match(eni.vpcCidrBlock, /\/16$/)
      assert.match(eni.vswitchCidrBlock, /\/24$/)
      assert.isTrue(parseCidr(eni.vswitchCidrBlock)!.network >= parseCidr(eni.vpcCidrBlock)!.network)
      assert.isTrue(inside(eni.vswitchCidrBlock.replace(/\/24$/, ""), eni.vpcCidrBlock))
      assert.isTrue(inside(eni.primaryIpAddress, eni.vswitchCidrBlock))
      const host = Number(eni.primaryIpAddress.split(".")[3])
      assert.isTrue(host >= 2 && host <= 252, eni.primaryIpAddress)
      assert.strictEqual(eni.gateway, eni.vswitchCidrBlock.replace(/0\/24$/, "253"))
      assert.strictEqual(eni.netmask, "255.255.255.0")
      assert.deepStrictEqual(eni.privateIpv4s, [eni.primaryIpAddress])
      assert.deepStrictEqual(eni.ipv6s, [])
      assert.isNull(eni.ipv6Gateway)
      assert.match(eni.vpcCidrBlock, /^(10\.|172\.(1[6-9]|2\d|3[01])\.|192\.168\.)/)
    }
  })

  it("respects a given private IP or block and derives the rest around it", () => {
    const byIp = primaryInterface(one({ networkInterfaces: [{ primaryIpAddress: "192.168.7.42" }] }))
    assert.strictEqual(byIp.vswitchCidrBlock, "192.168.7.0/24")
    assert.strictEqual(byIp.vpcCidrBlock, "192.168.0.0/16")
    assert.strictEqual(byIp.gateway, "192.168.7.253")
    const byVsw = primaryInterface(one({ networkInterfaces: [{ vswitchCidrBlock: "10.20.30.0/24" }] }))
    assert.strictEqual(byVsw.vpcCidrBlock, "10.20.0.0/16")
    assert.isTrue(inside(byVsw.primaryIpAddress, "10.20.30.0/24"))
    const byVpc = primaryInterface(one({ networkInterfaces: [{ vpcCidrBlock: "172.20.0.0/16" }] }))
    assert.isTrue(inside(byVpc.vswitchCidrBlock.replace(/\/24$/, ""), "172.20.0.0/16"))
    const small = primaryInterface(one({ networkInterfaces: [{ vswitchCidrBlock: "10.0.0.0/26" }] }))
    assert.strictEqual(small.netmask, "255.255.255.192")
    assert.strictEqual(small.gateway, "10.0.0.61")
  })

  it("gives extra interfaces the primary's VPC and vSwitch with their own MAC, id and address", () => {
    const instance = one({ networkInterfaces: [{}, {}] })
    const [eth0, eth1] = instance.networkInterfaces
    assert.strictEqual(eth1!.vpcId, eth0!.vpcId)
    assert.strictEqual(eth1!.vswitchId, eth0!.vswitchId)
    assert.notStrictEqual(eth1!.mac, eth0!.mac)
    assert.notStrictEqual(eth1!.networkInterfaceId, eth0!.networkInterfaceId)
    assert.notStrictEqual(eth1!.primaryIpAddress, eth0!.primaryIpAddress)
  })

  it("derives the IPv6 vSwitch /64, VPC /56 and gateway from a given IPv6 address", () => {
    const eni = primaryInterface(one({ networkInterfaces: [{ ipv6s: ["2408:4005:325:a204:1875:217f:184a:e4e"] }] }))
    assert.strictEqual(eni.vswitchIpv6CidrBlock, "2408:4005:325:a204::/64")
    assert.deepStrictEqual(eni.vpcIpv6CidrBlocks, ["2408:4005:325:a200::/56"])
    assert.strictEqual(eni.ipv6Gateway, "2408:4005:325:a204:ffff:ffff:ffff:fff7")
  })

  it("gives Linux a package mirror and Windows a KMS and WSUS server, never both", () => {
    const linux = one({ osType: "linux" })
    assert.strictEqual(linux.sourceAddress, "http://mirrors.cloud.aliyuncs.com")
    assert.isNull(linux.kmsServer)
    assert.isNull(linux.wsusServer)
    assert.notMatch(linux.imageId, /^win/)
    const windows = one({ osType: "windows" })
    assert.isNull(windows.sourceAddress)
    assert.strictEqual(windows.kmsServer, "kms.cloud.aliyuncs.com")
    assert.strictEqual(windows.wsusServer?.wuServer, "http://update.cloud.aliyuncs.com")
    assert.match(windows.imageId, /^win\d{4}_.*_40G_alibase_\d{8}\.vhd$/)
    assert.strictEqual(one({ imageId: "win2019_1809_x64_dtc_en-us_40G_alibase_20240816.vhd" }).osType, "windows")
  })

  it("has no key, role, user data, tags or public IP unless asked", () => {
    const plain = one({})
    assert.deepStrictEqual(plain.publicKeys, [])
    assert.isNull(plain.ramRole)
    assert.isNull(plain.userData)
    assert.deepStrictEqual(plain.tags, {})
    assert.isNull(plain.publicIpv4)
    assert.strictEqual(plain.disks.length, 1)
    assert.strictEqual(plain.disks[0]!.name, "")
    assert.deepStrictEqual(plain.dnsNameservers, ["100.100.2.136", "100.100.2.138"])
    assert.deepStrictEqual(plain.ntpServers, ["ntp1.aliyun.com", "ntp1.cloud.aliyuncs.com", "ntp10.cloud.aliyuncs.com"])
    assert.deepStrictEqual(plain.metadataOptions, {
      HttpEndpoint: "enabled",
      HttpTokens: "optional",
      InstanceMetadataTags: "disabled"
    })
  })

  it("lets instance values win over fleet defaults, an explicit null included", () => {
    const context = makeFleetContext("d", {
      regionId: "cn-hongkong",
      metadataOptions: { HttpTokens: "required" },
      ramRole: { name: "Shared" },
      tags: { team: "a" }
    })
    const inheriting = resolveInstance({}, context, 0)
    assert.strictEqual(inheriting.regionId, "cn-hongkong")
    assert.strictEqual(inheriting.metadataOptions.HttpTokens, "required")
    assert.deepStrictEqual(inheriting.ramRole, { name: "Shared", validitySeconds: 21_600, overlapSeconds: 1_800 })
    const own = resolveInstance(
      { regionId: "us-west-1", metadataOptions: { HttpEndpoint: "disabled" }, ramRole: null, tags: {} },
      context,
      1
    )
    assert.strictEqual(own.regionId, "us-west-1")
    assert.deepStrictEqual(own.metadataOptions, {
      HttpEndpoint: "disabled",
      HttpTokens: "required",
      InstanceMetadataTags: "disabled"
    })
    assert.isNull(own.ramRole)
    assert.deepStrictEqual(own.tags, {})
  })

  it("decodes base64 user data: UTF-8 text as text, other bytes one char per byte", () => {
    assert.strictEqual(one({ userDataBase64: Base64.encode("héllo") }).userData, "héllo")
    const binary = one({ userDataBase64: Base64.encode(new Uint8Array([0xff, 0x00, 0x80])) }).userData
    assert.strictEqual(binary, "\u00ff\u0000\u0080")
  })

  it("builds the demo fleet: one instance with a role, a key, tags and user data, serving every peer", () => {
    const fleet = defaultFleet()
    assert.strictEqual(fleet.instances.length, 1)
    const demo = fleet.instances[0]!
    assert.strictEqual(fleet.defaultInstanceId, demo.instanceId)
    assert.strictEqual(fleet.unmatchedPeers, "default")
    assert.deepStrictEqual(demo.sourceAddresses, [])
    assert.strictEqual(demo.ramRole?.name, "AliyunImdsDemoRole")
    assert.strictEqual(demo.publicKeys.length, 1)
    assert.match(demo.publicKeys[0]!.id, /^skp-[a-z0-9]{20}$/)
    assert.match(demo.publicKeys[0]!.openssh, /^ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI[A-Za-z0-9+/]{43}$/)
    assert.deepStrictEqual(demo.tags, { env: "dev" })
    assert.strictEqual(demo.userData, "#!/bin/sh\necho hello from aliyun-imds")
    assert.deepStrictEqual(primaryInterface(demo).ipv6s, [])
    assert.deepStrictEqual(defaultFleet(), fleet)
    assert.notStrictEqual(defaultFleet("other").defaultInstanceId, demo.instanceId)
  })

  it("generates 10 000 instances with unique ids (fast enough to run in a test)", () => {
    const fleet = generate("bulk", 10_000)
    assert.strictEqual(fleet.length, 10_000)
    assert.strictEqual(new Set(fleet.map((i) => i.instanceId)).size, 10_000)
  })

  it("covers every region of the table over a large fleet", () => {
    const seen = new Set(generate("regions", 500).map((i) => i.regionId))
    assert.strictEqual(seen.size, regions.length)
  })
})
