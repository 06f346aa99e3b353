import { assert, describe, it } from "@effect/vitest"
import type { Instance } from "../src/fleet/Instance.ts"
import type { InstanceState } from "../src/fleet/InstanceState.ts"
import { identityDocument } from "../src/metadata/MetadataTree.ts"
import { resolve } from "../src/metadata/Render.ts"
import { ctx, dualStack, linux, stateOf, windows, withRole } from "./fixtures.ts"

const get = (state: InstanceState, path: string): string | null => {
  const resolved = resolve(state, `/latest/meta-data/${path}`, null, ctx())
  if (resolved._tag === "NotFound") return null
  assert.strictEqual(resolved._tag, "Body")
  return (resolved as { body: string }).body
}
const of = (instance: Instance) => stateOf(instance)

describe("MetadataTree", () => {
  it("the identity document is compact JSON in the fixed key order", () => {
    assert.strictEqual(
      identityDocument(linux),
      '{"zone-id":"cn-hangzhou-i","serial-number":"4acd2b47-b328-4762-852f-998c1a2b3c4d",' +
        '"instance-id":"i-bp13znx0m0me8cquu9k1","region-id":"cn-hangzhou","private-ipv4":"192.168.0.10",' +
        '"owner-account-id":"1609123456789012","mac":"00:16:3e:0f:12:34",' +
        '"image-id":"aliyun_3_x64_20G_alibase_20240819.vhd","instance-type":"ecs.g7.large"}'
    )
  })

  it("root leaves come from the instance and its primary ENI", () => {
    const state = of(linux)
    const expected: Record<string, string> = {
      "instance-id": "i-bp13znx0m0me8cquu9k1",
      hostname: "iZbp13znx0m0me8cquu9k1Z",
      "image-id": "aliyun_3_x64_20G_alibase_20240819.vhd",
      "region-id": "cn-hangzhou",
      "zone-id": "cn-hangzhou-i",
      "serial-number": "4acd2b47-b328-4762-852f-998c1a2b3c4d",
      "owner-account-id": "1609123456789012",
      mac: "00:16:3e:0f:12:34",
      "private-ipv4": "192.168.0.10",
      "public-ipv4": "120.55.1.2",
      eipv4: "120.55.1.2",
      "network-type": "vpc",
      "vpc-id": "vpc-bp1e0g399hkd7c8q3a1b",
      "vpc-cidr-block": "192.168.0.0/16",
      "vswitch-id": "vsw-bp1ygryo03m39xhsy5c2",
      "vswitch-cidr-block": "192.168.0.0/24",
      "source-address": "http://mirrors.cloud.aliyuncs.com",
      "hibernation/configured": "false"
    }
    for (const [path, body] of Object.entries(expected)) assert.strictEqual(get(state, path), body, path)
  })

  it("the instance directory lists its seven items and serves them", () => {
    const state = of(linux)
    assert.strictEqual(
      get(state, "instance/"),
      "instance-name\ninstance-type\nlast-host-landing-time\nmax-netbw-egress\nmax-netbw-ingress\n" +
        "virtualization-solution\nvirtualization-solution-version\nvsc-options/"
    )
    assert.strictEqual(get(state, "instance/max-netbw-egress"), "2048000")
    assert.strictEqual(get(state, "instance/last-host-landing-time"), "2024-11-17 10:02:41")
    assert.strictEqual(get(state, "instance/virtualization-solution"), "ECS Virt")
    assert.strictEqual(get(state, "instance/vsc-options/enabled"), "true")
    assert.isNull(get(of(windows), "instance/vsc-options/enabled"))
  })

  it("nameservers and ntp-servers are joined by CRLF", () => {
    assert.strictEqual(get(of(linux), "dns-conf/nameservers"), "100.100.2.136\r\n100.100.2.138")
    assert.strictEqual(get(of(linux), "dns-conf/"), "nameservers")
    assert.strictEqual(
      get(of(linux), "ntp-conf/ntp-servers"),
      "ntp1.aliyun.com\r\nntp1.cloud.aliyuncs.com\r\nntp10.cloud.aliyuncs.com"
    )
  })

  it("sub-private-ipv4-list is empty without secondary IPs and LF-joined with several", () => {
    assert.strictEqual(get(of(linux), "sub-private-ipv4-list"), "")
    assert.strictEqual(get(of(dualStack), "sub-private-ipv4-list"), "192.168.0.11\n192.168.0.12")
  })

  it("disks are keyed by the id without `d-` and serve id and name", () => {
    const state = of(linux)
    assert.strictEqual(get(state, "disks/"), "bp131n0q38u3a4zi0001/\nbp131n0q38u3a4zi0002/")
    assert.strictEqual(get(state, "disks/bp131n0q38u3a4zi0001/"), "id\nname")
    assert.strictEqual(get(state, "disks/bp131n0q38u3a4zi0001/id"), "d-bp131n0q38u3a4zi0001")
    assert.strictEqual(get(state, "disks/bp131n0q38u3a4zi0002/name"), "")
    assert.isNull(get(of(withRole), "disks/"))
  })

  it("public keys list one directory per key pair with its openssh-key", () => {
    const state = of(withRole)
    assert.strictEqual(get(state, "public-keys/"), "skp-uf6brtqj5sw1vqa1b2c3/\nskp-uf6brtqj5sw1vqd4e5f6/")
    assert.strictEqual(
      get(state, "public-keys/skp-uf6brtqj5sw1vqd4e5f6/openssh-key"),
      "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIH3 second-key"
    )
    assert.isNull(get(of(linux), "public-keys/"))
  })

  it("marketplace items exist only for marketplace images", () => {
    assert.strictEqual(get(of(linux), "image/"), "market-place/")
    assert.strictEqual(get(of(linux), "image/market-place/"), "charge-type\nproduct-code")
    assert.strictEqual(get(of(linux), "image/market-place/product-code"), "cmjj012345")
    assert.strictEqual(get(of(linux), "image/market-place/charge-type"), "PrePaid")
    assert.isNull(get(of(windows), "image/market-place/product-code"))
  })

  it("Windows-only and Linux-only items follow the instance", () => {
    assert.strictEqual(get(of(windows), "kms-server"), "kms.cloud.aliyuncs.com")
    assert.strictEqual(get(of(windows), "wsus-server/"), "wu-server\nwu-status-server")
    assert.strictEqual(get(of(windows), "wsus-server/wu-status-server"), "http://update.cloud.aliyuncs.com")
    assert.isNull(get(of(windows), "source-address"))
    assert.isNull(get(of(linux), "kms-server"))
    assert.isNull(get(of(linux), "wsus-server/wu-server"))
  })

  it("absent optional values are 404, launch-index renders its number", () => {
    assert.isNull(get(of(windows), "public-ipv4"))
    assert.isNull(get(of({ ...linux, eipv4: null }), "eipv4"))
    assert.isNull(get(of(linux), "launch-index"))
    assert.strictEqual(get(of(withRole), "launch-index"), "0")
  })

  it("macs/ lists one `<mac>/` per ENI, byte-sorted", () => {
    assert.strictEqual(get(of(dualStack), "network/"), "interfaces/")
    assert.strictEqual(get(of(dualStack), "network/interfaces/"), "macs/")
    assert.strictEqual(get(of(dualStack), "network/interfaces/macs/"), "00:16:3e:0f:12:34/\n00:16:3e:14:59:58/")
  })

  it("an IPv4-only ENI lists exactly its IPv4 items", () => {
    assert.strictEqual(
      get(of(linux), "network/interfaces/macs/00:16:3e:0f:12:34/"),
      "gateway\nnetmask\nnetwork-interface-id\nprimary-ip-address\nprivate-ipv4s\n" +
        "vpc-cidr-block\nvpc-id\nvswitch-cidr-block\nvswitch-id"
    )
  })

  it("an IPv6 ENI adds the IPv6 items and its prefixes", () => {
    assert.strictEqual(
      get(of(dualStack), "network/interfaces/macs/00:16:3e:0f:12:34/"),
      "gateway\nipv4-prefixes\nipv6-gateway\nipv6-prefixes\nipv6s\nnetmask\nnetwork-interface-id\n" +
        "primary-ip-address\nprivate-ipv4s\nvpc-cidr-block\nvpc-id\nvpc-ipv6-cidr-blocks\n" +
        "vswitch-cidr-block\nvswitch-id\nvswitch-ipv6-cidr-block"
    )
  })

  it("private-ipv4s is a JSON array of strings", () => {
    assert.strictEqual(
      get(of(dualStack), "network/interfaces/macs/00:16:3e:0f:12:34/private-ipv4s"),
      '["192.168.0.10","192.168.0.11","192.168.0.12"]'
    )
    assert.strictEqual(get(of(linux), "network/interfaces/macs/00:16:3e:0f:12:34/private-ipv4s"), '["192.168.0.10"]')
  })

  it("ipv6s and vpc-ipv6-cidr-blocks are bracketed without quotes", () => {
    const eni = "network/interfaces/macs/00:16:3e:0f:12:34"
    assert.strictEqual(
      get(of(dualStack), `${eni}/ipv6s`),
      "[2408:4005:325:a204:1875:217f:184a:e4e,2408:4005:325:a204:1875:217f:184a:e4f]"
    )
    assert.strictEqual(get(of(dualStack), `${eni}/vpc-ipv6-cidr-blocks`), "[2408:4005:325:a200::/56]")
    assert.strictEqual(get(of(dualStack), `${eni}/ipv6-gateway`), "2408:4005:325:a204:ffff:ffff:ffff:fff7")
    assert.strictEqual(get(of(dualStack), `${eni}/vswitch-ipv6-cidr-block`), "2408:4005:325:a204::/64")
    assert.strictEqual(get(of(dualStack), `${eni}/ipv6-prefixes`), "2408:4005:325:a204:1a00::/80")
    assert.strictEqual(get(of(dualStack), `${eni}/ipv4-prefixes`), "192.168.0.32/28")
  })

  it("ipv6s and the other IPv6 items are 404 on an ENI without IPv6", () => {
    const eni = "network/interfaces/macs/00:16:3e:14:59:58"
    for (const item of ["ipv6s", "ipv6-gateway", "ipv6-prefixes", "vswitch-ipv6-cidr-block", "vpc-ipv6-cidr-blocks"]) {
      assert.isNull(get(of(dualStack), `${eni}/${item}`), item)
    }
    assert.strictEqual(get(of(dualStack), `${eni}/primary-ip-address`), "192.168.0.20")
    assert.isNull(get(of(dualStack), `${eni}/ipv4-prefixes`))
  })

  it("tags are served only with InstanceMetadataTags=enabled", () => {
    assert.isNull(get(of(withRole), "tags/instance/env"))
    const enabled = of({
      ...withRole,
      metadataOptions: { ...withRole.metadataOptions, InstanceMetadataTags: "enabled" }
    })
    assert.strictEqual(get(enabled, "tags/"), "instance/")
    assert.strictEqual(get(enabled, "tags/instance/"), "CostCenter\nacs:owner\nenv")
    assert.strictEqual(get(enabled, "tags/instance/acs:owner"), "Alice")
    assert.strictEqual(get(enabled, "tags/instance/CostCenter"), "R&D")
  })

  it("an enabled instance without tags has no tags directory", () => {
    const state = of({ ...windows, metadataOptions: { ...windows.metadataOptions, InstanceMetadataTags: "enabled" } })
    assert.isNull(get(state, "tags/"))
  })
})
