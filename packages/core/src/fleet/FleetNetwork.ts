// Generated network interfaces: a VPC /16, a vSwitch /24 inside it, a private IP inside the vSwitch (clear of the
// addresses Alibaba reserves), gateway = vSwitch .253. Whatever the user gave wins and the rest is derived from it.

import type { NetworkInterfaceInput } from "./FleetSchema.ts"
import type { NetworkInterface } from "./Instance.ts"
import type { Cidr } from "./IpAddress.ts"
import { formatCidr, formatIpv4, formatIpv6, ipv4Mask, parseCidr, parseIp, parseIpv4 } from "./IpAddress.ts"
import { LOWER_ALNUM, type SeededRandom } from "./SeededRandom.ts"

type Cidr4 = Extract<Cidr, { family: 4 }>

const HEX = "0123456789abcdef"

/** `prefix` + random lowercase alnum up to `length` characters: the shape of every ECS resource id. */
export const resourceId = (random: SeededRandom, kind: string, idPrefix: string, length: number): string =>
  `${kind}-${idPrefix}${random.chars(length - idPrefix.length, LOWER_ALNUM)}`

/** ECS MACs use the Xen OUI `00:16:3e` and lower-case hex. */
export const randomMac = (random: SeededRandom): string =>
  `00:16:3e:${random.chars(2, HEX)}:${random.chars(2, HEX)}:${random.chars(2, HEX)}`

const cidr4 = (text: string | undefined): Cidr4 | null => {
  const c = text === undefined ? null : parseCidr(text)
  return c?.family === 4 ? c : null
}

const enclosing = (address: number, prefix: number): Cidr4 => ({
  family: 4,
  network: (address & ipv4Mask(prefix)) >>> 0,
  prefix
})

const randomVpc = (random: SeededRandom): Cidr4 => {
  const family = random.int(3)
  const second = family === 0 ? 16 + random.int(16) : family === 1 ? 168 : random.int(256)
  const first = family === 0 ? 172 : family === 1 ? 192 : 10
  return { family: 4, network: ((first << 24) | (second << 16)) >>> 0, prefix: 16 }
}

const size = (c: Cidr4) => 2 ** (32 - c.prefix)

const randomSubnet = (random: SeededRandom, vpc: Cidr4): Cidr4 => {
  if (vpc.prefix >= 24) return vpc
  return { family: 4, network: vpc.network + random.int(2 ** (24 - vpc.prefix)) * 256, prefix: 24 }
}

/** A host address clear of the network address, `.1`, and the last three (gateway and reserved). */
const randomHost = (random: SeededRandom, vswitch: Cidr4, avoid: ReadonlySet<number>): number => {
  const span = Math.max(1, size(vswitch) - 5)
  for (let attempt = 0; ; attempt++) {
    const ip = vswitch.network + 2 + random.int(span)
    if (!avoid.has(ip) || attempt > 16) return ip
  }
}

interface Ipv6Fields {
  readonly ipv6s: ReadonlyArray<string>
  readonly ipv6Prefixes: ReadonlyArray<string>
  readonly ipv6Gateway: string | null
  readonly vswitchIpv6CidrBlock: string | null
  readonly vpcIpv6CidrBlocks: ReadonlyArray<string>
}

const V6_ALL = (1n << 128n) - 1n
const v6Network = (value: bigint, prefix: number) => value & ((V6_ALL << BigInt(128 - prefix)) & V6_ALL)

/** IPv6 only when addresses are given; the vSwitch /64, its gateway and the VPC /56 come from the first one. */
const ipv6Fields = (input: NetworkInterfaceInput): Ipv6Fields => {
  const ipv6s = input.ipv6s ?? []
  const first = ipv6s[0] === undefined ? null : parseIp(ipv6s[0])
  const v6 = first?.family === 6 ? first.value : null
  return {
    ipv6s,
    ipv6Prefixes: input.ipv6Prefixes ?? [],
    ipv6Gateway: input.ipv6Gateway ?? (v6 === null ? null : formatIpv6(v6Network(v6, 64) | 0xffffffff_fffffff7n)),
    vswitchIpv6CidrBlock: input.vswitchIpv6CidrBlock ?? (v6 === null ? null : `${formatIpv6(v6Network(v6, 64))}/64`),
    vpcIpv6CidrBlocks: input.vpcIpv6CidrBlocks ?? (v6 === null ? [] : [`${formatIpv6(v6Network(v6, 56))}/56`])
  }
}

interface Site {
  readonly vpcId: string
  readonly vpc: Cidr4
  readonly vswitchId: string
  readonly vswitch: Cidr4
}

/** VPC and vSwitch of an interface: given blocks, else blocks around a given IP, else the `base` (or random). */
const resolveSite = (random: SeededRandom, idPrefix: string, input: NetworkInterfaceInput, base: Site | null) => {
  const ip = input.primaryIpAddress === undefined ? null : parseIpv4(input.primaryIpAddress)
  const givenVsw = cidr4(input.vswitchCidrBlock)
  const givenVpc = cidr4(input.vpcCidrBlock)
  const vpc =
    givenVpc ??
    (givenVsw === null ? null : enclosing(givenVsw.network, Math.min(16, givenVsw.prefix))) ??
    (ip === null ? null : enclosing(ip, 16)) ??
    base?.vpc ??
    randomVpc(random)
  const sameVpc = base !== null && base.vpc.network === vpc.network && base.vpc.prefix === vpc.prefix
  const vswitch =
    givenVsw ??
    (ip === null ? null : enclosing(ip, Math.max(24, vpc.prefix))) ??
    (sameVpc ? base.vswitch : randomSubnet(random, vpc))
  const sameVsw = sameVpc && base.vswitch.network === vswitch.network && base.vswitch.prefix === vswitch.prefix
  return {
    vpc,
    vswitch,
    vpcId: input.vpcId ?? (sameVpc ? base.vpcId : resourceId(random, "vpc", idPrefix, 24)),
    vswitchId: input.vswitchId ?? (sameVsw ? base.vswitchId : resourceId(random, "vsw", idPrefix, 24))
  } satisfies Site
}

const resolveInterface = (
  random: SeededRandom,
  idPrefix: string,
  input: NetworkInterfaceInput,
  base: Site | null,
  taken: Set<number>
): [NetworkInterface, Site] => {
  const site = resolveSite(random, idPrefix, input, base)
  const given = input.primaryIpAddress === undefined ? null : parseIpv4(input.primaryIpAddress)
  const ip = given ?? randomHost(random, site.vswitch, taken)
  taken.add(ip)
  const primaryIpAddress = formatIpv4(ip)
  const eni: NetworkInterface = {
    mac: input.mac ?? randomMac(random),
    networkInterfaceId: input.networkInterfaceId ?? resourceId(random, "eni", idPrefix, 24),
    vpcId: site.vpcId,
    vswitchId: site.vswitchId,
    primaryIpAddress,
    privateIpv4s: input.privateIpv4s ?? [primaryIpAddress],
    ipv4Prefixes: input.ipv4Prefixes ?? [],
    netmask: input.netmask ?? formatIpv4(ipv4Mask(site.vswitch.prefix)),
    gateway: input.gateway ?? formatIpv4(site.vswitch.network + size(site.vswitch) - 3),
    vswitchCidrBlock: formatCidr(site.vswitch),
    vpcCidrBlock: formatCidr(site.vpc),
    ...ipv6Fields(input)
  }
  return [eni, site]
}

/** Every interface of an instance; extra interfaces share the primary's VPC (and vSwitch) unless told otherwise. */
export const resolveInterfaces = (
  random: SeededRandom,
  idPrefix: string,
  inputs: ReadonlyArray<NetworkInterfaceInput> | undefined
): ReadonlyArray<NetworkInterface> => {
  const taken = new Set<number>()
  const list = inputs === undefined || inputs.length === 0 ? [{}] : inputs
  const givenIps = list.flatMap((i) => (i.primaryIpAddress === undefined ? [] : [parseIpv4(i.primaryIpAddress)]))
  for (const ip of givenIps) if (ip !== null) taken.add(ip)
  let base: Site | null = null
  return list.map((input) => {
    const [eni, site] = resolveInterface(random, idPrefix, input, base, taken)
    base ??= site
    return eni
  })
}
