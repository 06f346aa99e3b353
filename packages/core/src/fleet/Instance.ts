// The model of one ECS instance as the metadata service sees it: every item of spec §3 in typed form, plus its
// metadata options (ECS API names and values). Fleet.ts fills unset fields with generated, self-consistent defaults.
import { Schema } from "effect"

import { HttpEndpoint, HttpTokens, InstanceMetadataTags } from "../Enumerations.ts"

export const MetadataOptions = Schema.Struct({
  HttpEndpoint,
  HttpTokens,
  InstanceMetadataTags
})
export type MetadataOptions = typeof MetadataOptions.Type

export const NetworkInterface = Schema.Struct({
  mac: Schema.String,
  networkInterfaceId: Schema.String,
  vpcId: Schema.String,
  vswitchId: Schema.String,
  primaryIpAddress: Schema.String,
  privateIpv4s: Schema.Array(Schema.String),
  ipv4Prefixes: Schema.Array(Schema.String),
  netmask: Schema.String,
  gateway: Schema.String,
  vswitchCidrBlock: Schema.String,
  vpcCidrBlock: Schema.String,
  ipv6s: Schema.Array(Schema.String),
  ipv6Prefixes: Schema.Array(Schema.String),
  ipv6Gateway: Schema.NullOr(Schema.String),
  vswitchIpv6CidrBlock: Schema.NullOr(Schema.String),
  vpcIpv6CidrBlocks: Schema.Array(Schema.String)
})
export type NetworkInterface = typeof NetworkInterface.Type

export const Disk = Schema.Struct({ id: Schema.String, name: Schema.String })
export type Disk = typeof Disk.Type

export const PublicKey = Schema.Struct({ id: Schema.String, openssh: Schema.String })
export type PublicKey = typeof PublicKey.Type

export const RamRole = Schema.Struct({
  name: Schema.String,
  /** Credential validity; about 6 h on the real service. */
  validitySeconds: Schema.Int,
  /** New credentials appear this long before the old ones expire; both stay valid meanwhile. */
  overlapSeconds: Schema.Int
})
export type RamRole = typeof RamRole.Type

export const MarketPlace = Schema.Struct({ productCode: Schema.String, chargeType: Schema.String })

export const WsusServer = Schema.Struct({ wuServer: Schema.String, wuStatusServer: Schema.String })

export const OsType = Schema.Literals(["linux", "windows"])

export const Instance = Schema.Struct({
  instanceId: Schema.String,
  /** Peer addresses (IPs or CIDRs) that this instance answers; see FleetBinding. */
  sourceAddresses: Schema.Array(Schema.String),
  osType: OsType,
  metadataOptions: MetadataOptions,
  regionId: Schema.String,
  zoneId: Schema.String,
  hostname: Schema.String,
  instanceName: Schema.String,
  instanceType: Schema.String,
  imageId: Schema.String,
  serialNumber: Schema.String,
  ownerAccountId: Schema.String,
  maxNetbwEgress: Schema.Int,
  maxNetbwIngress: Schema.Int,
  virtualizationSolution: Schema.String,
  virtualizationSolutionVersion: Schema.String,
  lastHostLandingTime: Schema.String,
  launchIndex: Schema.NullOr(Schema.Int),
  /** Primary ENI first: `mac`, `private-ipv4`, `vpc-*` and `vswitch-*` at the root are read from it. */
  networkInterfaces: Schema.Array(NetworkInterface),
  publicIpv4: Schema.NullOr(Schema.String),
  eipv4: Schema.NullOr(Schema.String),
  subPrivateIpv4List: Schema.Array(Schema.String),
  dnsNameservers: Schema.Array(Schema.String),
  ntpServers: Schema.Array(Schema.String),
  disks: Schema.Array(Disk),
  publicKeys: Schema.Array(PublicKey),
  tags: Schema.Record(Schema.String, Schema.String),
  ramRole: Schema.NullOr(RamRole),
  /** Raw user data (bytes as a latin1/utf-8 string); `null` → 404. */
  userData: Schema.NullOr(Schema.String),
  vendorData: Schema.NullOr(Schema.String),
  /** Linux only: the package mirror (`source-address`). */
  sourceAddress: Schema.NullOr(Schema.String),
  /** Windows only. */
  kmsServer: Schema.NullOr(Schema.String),
  wsusServer: Schema.NullOr(WsusServer),
  spot: Schema.Boolean,
  hibernationConfigured: Schema.Boolean,
  marketPlace: Schema.NullOr(MarketPlace),
  vscOptionsEnabled: Schema.NullOr(Schema.Boolean),
  /** Extra or replaced leaves by meta-data path (`instance/instance-type`), `null` deletes an item. */
  overrides: Schema.Record(Schema.String, Schema.NullOr(Schema.String))
})
export type Instance = typeof Instance.Type

export const primaryInterface = (instance: Instance): NetworkInterface => {
  const eni = instance.networkInterfaces[0]
  if (eni === undefined) throw new Error(`instance ${instance.instanceId} has no network interface`)
  return eni
}
