// The `network/interfaces/macs/<mac>/` subtree: one directory per ENI with its addressing, in the exact formats of
// spec §3.2 (private-ipv4s as a JSON array, IPv6 lists bracketed without quotes, IPv6 items only on IPv6 ENIs).
import type { Instance, NetworkInterface } from "../fleet/Instance.ts"
import { type Child, type Dir, dir, optionalText, text } from "./MetadataNode.ts"

export const networkDir = (instance: Instance): Dir =>
  dir([
    [
      "interfaces",
      dir([["macs", dir(instance.networkInterfaces.map((eni): Child => [eni.mac, eniDir(eni), { dynamic: true }]))]])
    ]
  ])

/** Several prefixes: LF-joined like listings (the real separator is undocumented). */
const lines = (values: ReadonlyArray<string>): string | null => (values.length === 0 ? null : values.join("\n"))

/** `[a,b]`: the documented bracket form without quotes (terway strips the brackets and splits on `,`). */
const bracketed = (values: ReadonlyArray<string>): string | null =>
  values.length === 0 ? null : `[${values.join(",")}]`

const eniDir = (eni: NetworkInterface): Dir =>
  dir([
    ["network-interface-id", text(eni.networkInterfaceId)],
    ["vpc-id", text(eni.vpcId)],
    ["vswitch-id", text(eni.vswitchId)],
    ["primary-ip-address", text(eni.primaryIpAddress)],
    ["private-ipv4s", text(JSON.stringify(eni.privateIpv4s))],
    ["ipv4-prefixes", optionalText(lines(eni.ipv4Prefixes))],
    ["netmask", text(eni.netmask)],
    ["gateway", text(eni.gateway)],
    ["vswitch-cidr-block", text(eni.vswitchCidrBlock)],
    ["vpc-cidr-block", text(eni.vpcCidrBlock)],
    ...(eni.ipv6s.length > 0 ? ipv6Children(eni) : [])
  ])

const ipv6Children = (eni: NetworkInterface): ReadonlyArray<Child> => [
  ["ipv6s", optionalText(bracketed(eni.ipv6s))],
  ["ipv6-prefixes", optionalText(lines(eni.ipv6Prefixes))],
  ["ipv6-gateway", optionalText(eni.ipv6Gateway)],
  ["vswitch-ipv6-cidr-block", optionalText(eni.vswitchIpv6CidrBlock)],
  ["vpc-ipv6-cidr-blocks", optionalText(bracketed(eni.vpcIpv6CidrBlocks))]
]
