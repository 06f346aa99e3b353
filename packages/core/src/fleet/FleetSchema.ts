// The fleet file's shape (YAML or JSON) as an Effect Schema: every Instance field is optional and filled by
// FleetDefaults; metadata options keep their ECS API names. The published JSON Schema is generated from it.
import { Schema } from "effect"
import { HttpEndpoint, HttpTokens, InstanceMetadataTags } from "../Enumerations.ts"
import { type Account, AccountInput } from "../ecs/Account.ts"
import { type Image, ImageInput } from "../ecs/Image.ts"
import type { Instance } from "./Instance.ts"
import { OsType } from "./Instance.ts"
import type { WireOptions } from "./InstanceState.ts"
import { parseCidr, parseIp, parseIpv4 } from "./IpAddress.ts"

const opt = Schema.optionalKey

const Ipv4 = Schema.String.pipe(
  Schema.check(
    Schema.makeFilter((s: string) => parseIpv4(s) !== null, {
      expected: "an IPv4 address",
      toJsonSchema: () => ({ format: "ipv4" })
    })
  )
)
const Ipv4Cidr = Schema.String.pipe(
  Schema.check(
    Schema.makeFilter((s: string) => s.includes("/") && parseCidr(s)?.family === 4, {
      expected: "an IPv4 CIDR block with zero host bits"
    })
  )
)
const Ipv6 = Schema.String.pipe(
  Schema.check(
    Schema.makeFilter((s: string) => parseIp(s)?.family === 6, {
      expected: "an IPv6 address",
      toJsonSchema: () => ({ format: "ipv6" })
    })
  )
)
const SourceAddress = Schema.String.pipe(
  Schema.check(
    Schema.makeFilter((s: string) => parseCidr(s) !== null, {
      expected: "an IP address or CIDR block with zero host bits"
    })
  )
)
export const InstanceIdText = Schema.String.pipe(
  Schema.check(
    Schema.isPattern(/^i-[a-z0-9]{1,62}$/u, {
      expected: 'an instance id ("i-" + 1 to 62 lowercase letters/digits)'
    })
  )
)
const PositiveInt = Schema.Int.pipe(Schema.check(Schema.isGreaterThan(0)))
const NonNegativeInt = Schema.Int.pipe(Schema.check(Schema.isGreaterThanOrEqualTo(0)))

export const MetadataOptionsInput = Schema.Struct({
  HttpEndpoint: opt(HttpEndpoint),
  HttpTokens: opt(HttpTokens),
  InstanceMetadataTags: opt(InstanceMetadataTags)
})

export const RoleName = Schema.String.pipe(
  Schema.check(Schema.isPattern(/^[A-Za-z0-9._-]{1,64}$/u, { expected: "a RAM role name (1-64 of A-Z a-z 0-9 . _ -)" }))
)

export const RamRoleInput = Schema.Struct({
  name: RoleName,
  validitySeconds: opt(PositiveInt.annotate({ description: "Credential validity; default 21600 (6 h)." })),
  overlapSeconds: opt(NonNegativeInt.annotate({ description: "Early-rotation window; default 1800 (30 min)." }))
})
export type RamRoleInput = typeof RamRoleInput.Type

export const NetworkInterfaceInput = Schema.Struct({
  mac: opt(Schema.String.pipe(Schema.check(Schema.isPattern(/^([0-9a-f]{2}:){5}[0-9a-f]{2}$/u)))),
  networkInterfaceId: opt(Schema.String),
  vpcId: opt(Schema.String),
  vswitchId: opt(Schema.String),
  primaryIpAddress: opt(Ipv4),
  privateIpv4s: opt(Schema.Array(Ipv4)),
  ipv4Prefixes: opt(Schema.Array(Ipv4Cidr)),
  netmask: opt(Ipv4),
  gateway: opt(Ipv4),
  vswitchCidrBlock: opt(Ipv4Cidr),
  vpcCidrBlock: opt(Ipv4Cidr),
  ipv6s: opt(Schema.Array(Ipv6)),
  ipv6Prefixes: opt(Schema.Array(Schema.String)),
  ipv6Gateway: opt(Schema.NullOr(Schema.String)),
  vswitchIpv6CidrBlock: opt(Schema.NullOr(Schema.String)),
  vpcIpv6CidrBlocks: opt(Schema.Array(Schema.String))
})
export type NetworkInterfaceInput = typeof NetworkInterfaceInput.Type

const DiskInput = Schema.Struct({
  id: opt(Schema.String.pipe(Schema.check(Schema.isPattern(/^d-[a-z0-9]+$/u)))),
  name: opt(Schema.String)
})
const PublicKeyInput = Schema.Struct({ id: opt(Schema.String), openssh: opt(Schema.String) })

/** Fields that may also appear under `defaults`, applied to every instance that leaves them unset. */
const sharedFields = {
  osType: opt(OsType),
  metadataOptions: opt(MetadataOptionsInput),
  regionId: opt(Schema.String),
  zoneId: opt(Schema.String),
  instanceType: opt(Schema.String),
  imageId: opt(Schema.String),
  ownerAccountId: opt(Schema.String.pipe(Schema.check(Schema.isPattern(/^\d{1,20}$/u)))),
  maxNetbwEgress: opt(NonNegativeInt),
  maxNetbwIngress: opt(NonNegativeInt),
  virtualizationSolution: opt(Schema.String),
  virtualizationSolutionVersion: opt(Schema.String),
  dnsNameservers: opt(Schema.Array(Schema.String)),
  ntpServers: opt(Schema.Array(Schema.String)),
  publicKeys: opt(Schema.Array(PublicKeyInput)),
  tags: opt(Schema.Record(Schema.String, Schema.String)),
  ramRole: opt(Schema.NullOr(RamRoleInput)),
  userData: opt(Schema.NullOr(Schema.String)),
  userDataBase64: opt(Schema.String.annotate({ description: "User data as base64 (for binary content)." })),
  vendorData: opt(Schema.NullOr(Schema.String)),
  sourceAddress: opt(Schema.NullOr(Schema.String)),
  kmsServer: opt(Schema.NullOr(Schema.String)),
  wsusServer: opt(Schema.NullOr(Schema.Struct({ wuServer: Schema.String, wuStatusServer: Schema.String }))),
  spot: opt(Schema.Boolean),
  hibernationConfigured: opt(Schema.Boolean),
  marketPlace: opt(Schema.NullOr(Schema.Struct({ productCode: Schema.String, chargeType: Schema.String }))),
  vscOptionsEnabled: opt(Schema.NullOr(Schema.Boolean)),
  overrides: opt(Schema.Record(Schema.String, Schema.NullOr(Schema.String)))
}

export const InstanceDefaultsInput = Schema.Struct(sharedFields)
export type InstanceDefaultsInput = typeof InstanceDefaultsInput.Type

export const InstanceInput = Schema.Struct({
  instanceId: opt(InstanceIdText),
  sourceAddresses: opt(
    Schema.Array(SourceAddress).annotate({
      description:
        "Peer addresses or CIDR blocks served as this instance. The longest prefix that contains a peer wins (an exact " +
        "address beats any block); the same range bound to two instances is an error."
    })
  ),
  hostname: opt(Schema.String),
  instanceName: opt(Schema.String),
  serialNumber: opt(Schema.String),
  lastHostLandingTime: opt(Schema.String.pipe(Schema.check(Schema.isPattern(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/u)))),
  launchIndex: opt(Schema.NullOr(NonNegativeInt)),
  networkInterfaces: opt(Schema.Array(NetworkInterfaceInput)),
  publicIpv4: opt(Schema.NullOr(Ipv4)),
  eipv4: opt(Schema.NullOr(Ipv4)),
  subPrivateIpv4List: opt(Schema.Array(Ipv4)),
  disks: opt(Schema.Array(DiskInput)),
  ...sharedFields
})
export type InstanceInput = typeof InstanceInput.Type

export const WireInput = Schema.Struct({
  contentType: opt(Schema.String),
  credentialLeadingSpace: opt(Schema.Boolean),
  metaDataAll: opt(Schema.Boolean),
  emptySystemEvents: opt(
    Schema.Union([Schema.Literal(404), Schema.String]).annotate({
      description: '404 (or "404") for Not Found, or the literal body to serve (e.g. "None").'
    })
  ),
  tokenGet: opt(
    Schema.Union([Schema.Literal("405"), Schema.Literal("issue")]).annotate({
      description:
        'GET on /latest/api/token: "405" refuses it (the default), "issue" issues a token as PUT does (clients of ' +
        "the @alicloud/credentials 2.3.1 era ask with GET). Unset: the server's --token-get."
    })
  )
})

export const FleetFile = Schema.Struct({
  $schema: opt(Schema.String),
  version: Schema.Literal(1),
  seed: opt(Schema.String.annotate({ description: 'Makes generated values reproducible; default "aliyun-imds".' })),
  unmatchedPeers: opt(Schema.Literals(["default", "refuse"])),
  defaultInstance: opt(InstanceIdText),
  defaults: opt(InstanceDefaultsInput),
  wire: opt(WireInput),
  account: opt(
    AccountInput.annotate({ description: "The ECS API endpoint's account: AccessKey pairs and the ImdsSupport check." })
  ),
  images: opt(
    Schema.Array(ImageInput).annotate({
      description: "Images the ECS API describes, added to (or replacing entries of) a generated public catalogue."
    })
  ),
  instances: opt(Schema.Array(InstanceInput))
}).annotate({ title: "aliyun-imds fleet", description: "Instances served by the aliyun-imds metadata emulator." })
export type FleetFile = typeof FleetFile.Type

/** A validated fleet with every instance resolved to a complete model. */
export interface FleetConfig {
  readonly seed: string
  readonly unmatchedPeers: "default" | "refuse"
  readonly defaultInstanceId: string
  readonly wire: WireOptions
  /** The file's `defaults`, kept so instances added at run time get them too. */
  readonly defaults: InstanceDefaultsInput
  /** The ECS API endpoint's AccessKeys and ImdsSupport check. */
  readonly account: Account
  /** The image catalogue the ECS API starts from. */
  readonly images: ReadonlyArray<Image>
  readonly instances: ReadonlyArray<Instance>
}

export const defaultSeed = "aliyun-imds"
