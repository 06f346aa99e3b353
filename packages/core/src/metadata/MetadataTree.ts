// The metadata tree of one instance state (spec §2–§3): the version root, the full meta-data catalogue with only the
// items that exist for this instance, overrides applied on top, and the dynamic and maintenance trees.

import type { Instance } from "../fleet/Instance.ts"
import type { InstanceState, RoleState } from "../fleet/InstanceState.ts"
import { spotTerminationTime } from "./Events.ts"
import { type Child, type Dir, dir, dynamicLeaf, optionalText, seal, text } from "./MetadataNode.ts"
import { applyOverrides } from "./MetadataOverrides.ts"
import { networkDir } from "./NetworkTree.ts"

/** The sealed tree below `/<version>/`, edited by the instance's overrides. */
export const buildTree = (state: InstanceState): Dir => {
  const { instance } = state
  const metaData = metaDataDir(state)
  applyOverrides(metaData, instance.overrides)
  return seal(
    dir([
      ["meta-data", metaData, { bare: true }],
      ["user-data", optionalText(instance.userData)],
      ["vendor-data", optionalText(instance.vendorData)],
      ["dynamic", dynamicDir(instance), { bare: true }],
      ["maintenance", dir([["active-system-events", dynamicLeaf({ _tag: "SystemEvents" })]]), { bare: true }]
    ])
  )
}

/** `dynamic/instance-identity/document`: compact JSON in the fixed key order of spec §7.1 (the pkcs7 signs it). */
export const identityDocument = (instance: Instance): string => {
  const eni = instance.networkInterfaces[0]
  return JSON.stringify({
    "zone-id": instance.zoneId,
    "serial-number": instance.serialNumber,
    "instance-id": instance.instanceId,
    "region-id": instance.regionId,
    "private-ipv4": eni?.primaryIpAddress ?? "",
    "owner-account-id": instance.ownerAccountId,
    mac: eni?.mac ?? "",
    "image-id": instance.imageId,
    "instance-type": instance.instanceType
  })
}

/** Listed as `instance-identity`, without a slash, as in the only live crawl on record (spec §2, S23). */
const dynamicDir = (instance: Instance): Dir =>
  dir([
    [
      "instance-identity",
      dir([
        ["document", text(identityDocument(instance))],
        ["pkcs7", dynamicLeaf({ _tag: "Pkcs7" })]
      ]),
      { bare: true }
    ]
  ])

const metaDataDir = (state: InstanceState): Dir => {
  const { instance } = state
  const eni = instance.networkInterfaces[0]
  return dir([
    ["all", dynamicLeaf({ _tag: "All" }), { hidden: true }],
    ["disks", instance.disks.length > 0 ? disksDir(instance) : null],
    ["dns-conf", listDir("nameservers", instance.dnsNameservers)],
    ["eipv4", optionalText(instance.eipv4)],
    ["hibernation", dir([["configured", text(String(instance.hibernationConfigured))]])],
    ["hostname", text(instance.hostname)],
    ["image-id", text(instance.imageId)],
    ["image", instance.marketPlace === null ? null : marketPlaceDir(instance.marketPlace)],
    ["instance-id", text(instance.instanceId)],
    ["instance", instanceDir(state)],
    ["kms-server", optionalText(instance.kmsServer)],
    ["launch-index", optionalText(instance.launchIndex === null ? null : String(instance.launchIndex))],
    ["network-type", text("vpc")],
    ["ntp-conf", listDir("ntp-servers", instance.ntpServers)],
    ["owner-account-id", text(instance.ownerAccountId)],
    ["public-ipv4", optionalText(instance.publicIpv4)],
    ["public-keys", instance.publicKeys.length > 0 ? publicKeysDir(instance) : null],
    ["ram", state.role === null ? null : ramDir(state.role)],
    ["region-id", text(instance.regionId)],
    ["serial-number", text(instance.serialNumber)],
    ["source-address", optionalText(instance.sourceAddress)],
    // Empty when there are none, as captured; LF between several is a guess (the real separator is unknown).
    ["sub-private-ipv4-list", text(instance.subPrivateIpv4List.join("\n"))],
    ["tags", tagsDir(instance)],
    ["wsus-server", instance.wsusServer === null ? null : wsusDir(instance.wsusServer)],
    ["zone-id", text(instance.zoneId)],
    ...(eni === undefined ? [] : primaryEniChildren(instance, eni))
  ])
}

const primaryEniChildren = (instance: Instance, eni: Instance["networkInterfaces"][number]): ReadonlyArray<Child> => [
  ["mac", text(eni.mac)],
  ["network", networkDir(instance)],
  ["private-ipv4", text(eni.primaryIpAddress)],
  ["vpc-cidr-block", text(eni.vpcCidrBlock)],
  ["vpc-id", text(eni.vpcId)],
  ["vswitch-cidr-block", text(eni.vswitchCidrBlock)],
  ["vswitch-id", text(eni.vswitchId)]
]

/** A directory with one multi-value leaf, CRLF-joined as the real service does (spec §3.2, S11, S33). */
const listDir = (leaf: string, values: ReadonlyArray<string>): Dir | null =>
  values.length === 0 ? null : dir([[leaf, text(values.join("\r\n"))]])

const instanceDir = (state: InstanceState): Dir => {
  const { instance } = state
  return dir([
    ["instance-name", text(instance.instanceName)],
    ["instance-type", text(instance.instanceType)],
    ["last-host-landing-time", text(instance.lastHostLandingTime)],
    ["max-netbw-egress", text(String(instance.maxNetbwEgress))],
    ["max-netbw-ingress", text(String(instance.maxNetbwIngress))],
    ["virtualization-solution", text(instance.virtualizationSolution)],
    ["virtualization-solution-version", text(instance.virtualizationSolutionVersion)],
    [
      "spot",
      state.spotTerminationMs === null
        ? null
        : dir([["termination-time", text(spotTerminationTime(state.spotTerminationMs))]])
    ],
    [
      "vsc-options",
      instance.vscOptionsEnabled === null ? null : dir([["enabled", text(String(instance.vscOptionsEnabled))]])
    ]
  ])
}

/** The serial is the disk id without its `d-` prefix (spec §3.2). */
const disksDir = (instance: Instance): Dir =>
  dir(
    instance.disks.map(
      (disk): Child => [
        disk.id.replace(/^d-/, ""),
        dir([
          ["id", text(disk.id)],
          ["name", text(disk.name)]
        ]),
        { dynamic: true }
      ]
    )
  )

const publicKeysDir = (instance: Instance): Dir =>
  dir(instance.publicKeys.map((key): Child => [key.id, dir([["openssh-key", text(key.openssh)]]), { dynamic: true }]))

/** `security-credentials/` lists the role name; `meta-data/all` shows only that name, never the keys. */
const ramDir = (role: RoleState): Dir =>
  dir([
    ["security-credentials", dir([[role.name, dynamicLeaf({ _tag: "Credentials" }), { dynamic: true }]], "listing")]
  ])

/** Only with InstanceMetadataTags=enabled (spec §11), and only when there is a tag to list. */
const tagsDir = (instance: Instance): Dir | null => {
  const keys = Object.keys(instance.tags)
  if (instance.metadataOptions.InstanceMetadataTags !== "enabled" || keys.length === 0) return null
  return dir([["instance", dir(keys.map((key): Child => [key, text(instance.tags[key]!), { dynamic: true }]))]])
}

const marketPlaceDir = (marketPlace: NonNullable<Instance["marketPlace"]>): Dir =>
  dir([
    [
      "market-place",
      dir([
        ["product-code", text(marketPlace.productCode)],
        ["charge-type", text(marketPlace.chargeType)]
      ])
    ]
  ])

const wsusDir = (wsus: NonNullable<Instance["wsusServer"]>): Dir =>
  dir([
    ["wu-server", text(wsus.wuServer)],
    ["wu-status-server", text(wsus.wuStatusServer)]
  ])
