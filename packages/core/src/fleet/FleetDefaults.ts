// Realistic, self-consistent generated values for every instance field the user leaves unset, deterministic from
// (seed, index): Alibaba-format ids, a region/zone pair that agree, OS-specific items, and the one-instance demo fleet.
import { Result } from "effect"
import { Base64 } from "effect/encoding"
import { defaultMetadataOptions } from "../Enumerations.ts"
import { resolveAccount } from "../ecs/Account.ts"
import { resolveImages } from "../ecs/Image.ts"
import { readUserData } from "../metadata/UserData.ts"
import { resolveInterfaces, resourceId } from "./FleetNetwork.ts"
import {
  defaultSeed,
  type FleetConfig,
  type InstanceDefaultsInput,
  type InstanceInput,
  type MetadataOptionsInput
} from "./FleetSchema.ts"
import type { Instance, PublicKey, RamRole } from "./Instance.ts"
import { defaultWireOptions } from "./InstanceState.ts"
import * as Regions from "./Regions.ts"
import { DIGITS, LOWER_ALNUM, makeRandom, randomUuid, type SeededRandom } from "./SeededRandom.ts"

export interface FleetContext {
  readonly seed: string
  readonly defaults: InstanceDefaultsInput
  /** One account owns the whole fleet, as in a real VPC. */
  readonly ownerAccountId: string
}

export const makeFleetContext = (seed: string, defaults: InstanceDefaultsInput = {}): FleetContext => ({
  seed,
  defaults,
  ownerAccountId: defaults.ownerAccountId ?? `1${makeRandom(seed, "owner").chars(15, DIGITS)}`
})

export const defaultRoleValiditySeconds = 21_600
export const defaultRoleOverlapSeconds = 1_800

export const resolveRole = (input: { name: string; validitySeconds?: number; overlapSeconds?: number }): RamRole => ({
  name: input.name,
  validitySeconds: input.validitySeconds ?? defaultRoleValiditySeconds,
  overlapSeconds: input.overlapSeconds ?? defaultRoleOverlapSeconds
})

/** `given` unless it is absent; an explicit `null` is a value and wins. */
const or = <A>(given: A | undefined, fallback: () => A): A => (given === undefined ? fallback() : given)

interface Placement {
  readonly regionId: string
  readonly zoneId: string
  readonly idPrefix: string
}

const zoneRegion = (zoneId: string | undefined) => (zoneId === undefined ? undefined : Regions.regionOfZone(zoneId))

const placement = (random: SeededRandom, input: InstanceInput, defaults: InstanceDefaultsInput): Placement => {
  const regionId =
    input.regionId ??
    zoneRegion(input.zoneId) ??
    defaults.regionId ??
    zoneRegion(defaults.zoneId) ??
    random.pick(Regions.regions).id
  const region = Regions.findRegion(regionId)
  const defaultZone = zoneRegion(defaults.zoneId) === regionId ? defaults.zoneId : undefined
  return {
    regionId,
    zoneId: input.zoneId ?? defaultZone ?? `${regionId}-${random.pick(region?.zones ?? ["a", "b"])}`,
    idPrefix: region?.idPrefix ?? makeRandom("region", regionId).chars(3, LOWER_ALNUM)
  }
}

const osTypeOf = (input: InstanceInput, defaults: InstanceDefaultsInput): "linux" | "windows" => {
  const fromImage = (imageId: string | undefined) =>
    imageId === undefined ? undefined : Regions.isWindowsImage(imageId) ? "windows" : "linux"
  return input.osType ?? fromImage(input.imageId) ?? defaults.osType ?? fromImage(defaults.imageId) ?? "linux"
}

/** A well-formed `ssh-ed25519` public key (wire blob: length-prefixed key type, then 32 key bytes). */
const generatedOpenSshKey = (random: SeededRandom): string => {
  const type = "ssh-ed25519"
  const blob = new Uint8Array(4 + type.length + 4 + 32)
  blob[3] = type.length
  for (let i = 0; i < type.length; i++) blob[4 + i] = type.charCodeAt(i)
  blob[4 + type.length + 3] = 32
  blob.set(random.bytes(32), 4 + type.length + 4)
  return `${type} ${Base64.encode(blob)}`
}

const hostLandingEpoch = Date.UTC(2024, 0, 1)

/** `YYYY-MM-DD HH:MM:SS`, no zone: the format of `instance/last-host-landing-time`. */
const landingTime = (random: SeededRandom): string =>
  new Date(hostLandingEpoch + random.int(600 * 86_400) * 1000).toISOString().slice(0, 19).replace("T", " ")

const userDataOf = (input: InstanceInput, defaults: InstanceDefaultsInput): string | null => {
  const own = readUserData(input)
  const value = Result.isSuccess(own) ? own.success : null
  if (value !== undefined) return value
  const shared = readUserData(defaults)
  return Result.isSuccess(shared) ? (shared.success ?? null) : null
}

const osItems = (os: "linux" | "windows", input: InstanceInput, defaults: InstanceDefaultsInput) => ({
  sourceAddress: or(
    or(input.sourceAddress, () => defaults.sourceAddress),
    () => (os === "linux" ? Regions.linuxMirror : null)
  ),
  kmsServer: or(
    or(input.kmsServer, () => defaults.kmsServer),
    () => (os === "windows" ? Regions.windowsKmsServer : null)
  ),
  wsusServer: or(
    or(input.wsusServer, () => defaults.wsusServer),
    () =>
      os === "windows" ? { wuServer: Regions.windowsUpdateServer, wuStatusServer: Regions.windowsUpdateServer } : null
  )
})

/** The complete instance model: what the input (then the fleet defaults) says, generated values for the rest. */
export const resolveInstance = (input: InstanceInput, context: FleetContext, index: number): Instance => {
  const { defaults, seed } = context
  const pick = <K extends keyof InstanceDefaultsInput>(key: K): InstanceDefaultsInput[K] =>
    input[key] === undefined ? defaults[key] : input[key]
  const root = makeRandom(seed, `instance/${index}`)
  const ids = root.split()
  const misc = root.split()
  const net = root.split()
  const place = placement(misc, input, defaults)
  const os = osTypeOf(input, defaults)
  const instanceId = input.instanceId ?? resourceId(ids, "i", place.idPrefix, 20)
  const hostname = input.hostname ?? `iZ${instanceId.slice(2)}Z`
  const instanceType = pick("instanceType") ?? misc.pick(Regions.instanceTypes).id
  const netbw = Regions.findInstanceType(instanceType)?.netbwKbps ?? 1_024_000
  const egress = pick("maxNetbwEgress") ?? netbw
  const role = or(pick("ramRole"), () => null)
  return {
    instanceId,
    sourceAddresses: input.sourceAddresses ?? [],
    osType: os,
    metadataOptions: { ...defaultMetadataOptions, ...defaults.metadataOptions, ...input.metadataOptions },
    regionId: place.regionId,
    zoneId: place.zoneId,
    hostname,
    instanceName: input.instanceName ?? hostname,
    instanceType,
    imageId: pick("imageId") ?? misc.pick(os === "windows" ? Regions.windowsImages : Regions.linuxImages),
    serialNumber: input.serialNumber ?? randomUuid(misc),
    ownerAccountId: input.ownerAccountId ?? context.ownerAccountId,
    maxNetbwEgress: egress,
    maxNetbwIngress: pick("maxNetbwIngress") ?? egress,
    virtualizationSolution: pick("virtualizationSolution") ?? "ECS Virt",
    virtualizationSolutionVersion: pick("virtualizationSolutionVersion") ?? "2.0",
    lastHostLandingTime: input.lastHostLandingTime ?? landingTime(misc),
    launchIndex: or(input.launchIndex, () => null),
    networkInterfaces: resolveInterfaces(net, place.idPrefix, input.networkInterfaces),
    publicIpv4: or(input.publicIpv4, () => null),
    eipv4: or(input.eipv4, () => null),
    subPrivateIpv4List: input.subPrivateIpv4List ?? [],
    dnsNameservers: pick("dnsNameservers") ?? Regions.aliyunNameservers,
    ntpServers: pick("ntpServers") ?? Regions.aliyunNtpServers,
    disks: (input.disks ?? [{}]).map((d) => ({
      id: d.id ?? resourceId(ids, "d", place.idPrefix, 20),
      name: d.name ?? ""
    })),
    publicKeys: (pick("publicKeys") ?? []).map(
      (k): PublicKey => ({
        id: k.id ?? resourceId(ids, "skp", place.idPrefix, 20),
        openssh: k.openssh ?? generatedOpenSshKey(ids)
      })
    ),
    tags: pick("tags") ?? {},
    ramRole: role === null ? null : resolveRole(role),
    userData: userDataOf(input, defaults),
    vendorData: or(pick("vendorData"), () => null),
    ...osItems(os, input, defaults),
    spot: pick("spot") ?? false,
    hibernationConfigured: pick("hibernationConfigured") ?? false,
    marketPlace: or(pick("marketPlace"), () => null),
    vscOptionsEnabled: or(pick("vscOptionsEnabled"), () => null),
    overrides: pick("overrides") ?? {}
  }
}

export const demoRoleName = "AliyunImdsDemoRole"
export const demoUserData = "#!/bin/sh\necho hello from aliyun-imds"

/** What `serve` runs with no fleet file: one complete instance (role, key, tags, user data) serving every peer. */
export const defaultFleet = (
  seed: string = defaultSeed,
  metadataOptions: typeof MetadataOptionsInput.Type = {}
): FleetConfig => {
  const instance = resolveInstance(
    { ramRole: { name: demoRoleName }, publicKeys: [{}], tags: { env: "dev" }, userData: demoUserData },
    makeFleetContext(seed, { metadataOptions }),
    0
  )
  return {
    seed,
    unmatchedPeers: "default",
    defaultInstanceId: instance.instanceId,
    wire: defaultWireOptions,
    defaults: { metadataOptions },
    account: resolveAccount(seed, undefined),
    images: resolveImages(),
    instances: [instance]
  }
}
