// Hand-built instances for the tree and render tests, shaped after the real captures of spec §3.1 so the listings can
// be compared byte for byte (no dependency on the fleet generator).
import type { Instance, NetworkInterface } from "../src/fleet/Instance.ts"
import { defaultWireOptions, type InstanceState } from "../src/fleet/InstanceState.ts"
import type { RenderContext } from "../src/metadata/Render.ts"

export const primaryEni: NetworkInterface = {
  mac: "00:16:3e:0f:12:34",
  networkInterfaceId: "eni-bp1b2c0jvnj0g17bxyz1",
  vpcId: "vpc-bp1e0g399hkd7c8q3a1b",
  vswitchId: "vsw-bp1ygryo03m39xhsy5c2",
  primaryIpAddress: "192.168.0.10",
  privateIpv4s: ["192.168.0.10"],
  ipv4Prefixes: [],
  netmask: "255.255.255.0",
  gateway: "192.168.0.253",
  vswitchCidrBlock: "192.168.0.0/24",
  vpcCidrBlock: "192.168.0.0/16",
  ipv6s: [],
  ipv6Prefixes: [],
  ipv6Gateway: null,
  vswitchIpv6CidrBlock: null,
  vpcIpv6CidrBlocks: []
}

/** A complete Linux instance: disks, marketplace image, public IPv4 and EIP, tags, vsc options. */
export const linux: Instance = {
  instanceId: "i-bp13znx0m0me8cquu9k1",
  sourceAddresses: ["127.0.0.2"],
  osType: "linux",
  metadataOptions: { HttpEndpoint: "enabled", HttpTokens: "optional", InstanceMetadataTags: "disabled" },
  regionId: "cn-hangzhou",
  zoneId: "cn-hangzhou-i",
  hostname: "iZbp13znx0m0me8cquu9k1Z",
  instanceName: "web-1",
  instanceType: "ecs.g7.large",
  imageId: "aliyun_3_x64_20G_alibase_20240819.vhd",
  serialNumber: "4acd2b47-b328-4762-852f-998c1a2b3c4d",
  ownerAccountId: "1609123456789012",
  maxNetbwEgress: 2048000,
  maxNetbwIngress: 2048000,
  virtualizationSolution: "ECS Virt",
  virtualizationSolutionVersion: "2.0",
  lastHostLandingTime: "2024-11-17 10:02:41",
  launchIndex: null,
  networkInterfaces: [primaryEni],
  publicIpv4: "120.55.1.2",
  eipv4: "120.55.1.2",
  subPrivateIpv4List: [],
  dnsNameservers: ["100.100.2.136", "100.100.2.138"],
  ntpServers: ["ntp1.aliyun.com", "ntp1.cloud.aliyuncs.com", "ntp10.cloud.aliyuncs.com"],
  disks: [
    { id: "d-bp131n0q38u3a4zi0001", name: "system" },
    { id: "d-bp131n0q38u3a4zi0002", name: "" }
  ],
  publicKeys: [],
  tags: { env: "prod", Team: "Core" },
  ramRole: null,
  userData: "#cloud-config\nhostname: web-1\n",
  vendorData: null,
  sourceAddress: "http://mirrors.cloud.aliyuncs.com",
  kmsServer: null,
  wsusServer: null,
  spot: false,
  hibernationConfigured: false,
  marketPlace: { productCode: "cmjj012345", chargeType: "PrePaid" },
  vscOptionsEnabled: true,
  overrides: {}
}

/** Shaped after the live Windows capture of 2026-04-10 (spec §3.1, S25): no key pair, no role. */
export const windows: Instance = {
  ...linux,
  instanceId: "i-2zec1slzwdzrwmvlr4w2",
  osType: "windows",
  regionId: "cn-beijing",
  zoneId: "cn-beijing-k",
  hostname: "iZ2zec1slzwdzrZ",
  imageId: "win2022_21H2_x64_dtc_en-us_40G_alibase_20240816.vhd",
  publicIpv4: null,
  tags: {},
  userData: null,
  sourceAddress: null,
  kmsServer: "kms.cloud.aliyuncs.com",
  wsusServer: { wuServer: "http://update.cloud.aliyuncs.com", wuStatusServer: "http://update.cloud.aliyuncs.com" },
  marketPlace: null,
  vscOptionsEnabled: null
}

/** Shaped after the 2021 Linux crawl (spec §3.1, S26): key pair, RAM role, launch-index, no disks. */
export const withRole: Instance = {
  ...linux,
  instanceId: "i-uf6f5ot7msu2ml4kpq0a",
  regionId: "cn-shanghai",
  zoneId: "cn-shanghai-l",
  launchIndex: 0,
  publicIpv4: null,
  disks: [],
  publicKeys: [
    { id: "skp-uf6brtqj5sw1vqa1b2c3", openssh: "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQC7 imported-openssh-key" },
    { id: "skp-uf6brtqj5sw1vqd4e5f6", openssh: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIH3 second-key" }
  ],
  tags: { env: "dev", "acs:owner": "Alice", CostCenter: "R&D" },
  ramRole: { name: "EcsRamRoleTest", validitySeconds: 21600, overlapSeconds: 1800 },
  marketPlace: null,
  vscOptionsEnabled: null
}

/** Two ENIs, the primary one with IPv6, the secondary one without, and secondary private IPs. */
export const dualStack: Instance = {
  ...linux,
  instanceId: "i-wz9d4fk2fa8bwk6fgk5b",
  subPrivateIpv4List: ["192.168.0.11", "192.168.0.12"],
  networkInterfaces: [
    {
      ...primaryEni,
      privateIpv4s: ["192.168.0.10", "192.168.0.11", "192.168.0.12"],
      ipv4Prefixes: ["192.168.0.32/28"],
      ipv6s: ["2408:4005:325:a204:1875:217f:184a:e4e", "2408:4005:325:a204:1875:217f:184a:e4f"],
      ipv6Prefixes: ["2408:4005:325:a204:1a00::/80"],
      ipv6Gateway: "2408:4005:325:a204:ffff:ffff:ffff:fff7",
      vswitchIpv6CidrBlock: "2408:4005:325:a204::/64",
      vpcIpv6CidrBlocks: ["2408:4005:325:a200::/56"]
    },
    {
      ...primaryEni,
      mac: "00:16:3e:14:59:58",
      networkInterfaceId: "eni-bp1secondary0000001",
      primaryIpAddress: "192.168.0.20",
      privateIpv4s: ["192.168.0.20"]
    }
  ]
}

export const stateOf = (instance: Instance, patch: Partial<Omit<InstanceState, "instance">> = {}): InstanceState => ({
  instance,
  role: null,
  spotTerminationMs: null,
  systemEvents: [],
  revision: 1,
  ...patch
})

/** An attached role whose credential series starts at `anchorMs`. */
export const roleState = (instance: Instance, anchorMs: number, generation = 0): InstanceState =>
  stateOf(instance, { role: { ...instance.ramRole!, anchorMs, generation, retired: [] } })

export const secret = new TextEncoder().encode("test-credential-secret")

export const NOW = Date.UTC(2026, 3, 10, 18, 9, 23)

export const ctx = (patch: Partial<RenderContext> = {}): RenderContext => ({
  now: NOW,
  wire: defaultWireOptions,
  credentialSecret: secret,
  ...patch
})
