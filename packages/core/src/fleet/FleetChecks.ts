// Rules of a fleet that a per-field schema cannot express: tag keys, user-data size, region/zone and CIDR
// agreement, and fleet-wide uniqueness of instance ids and source addresses. Each `check…` returns the first problem
// found; the `…Problems` forms list every one (for `fleet check`), and the loader keeps their first.
import { Result } from "effect"
import { FleetInvalid } from "../Errors.ts"
import { readUserData, userDataProblemMessage } from "../metadata/UserData.ts"
import { type Binding, sameRangeMessage } from "./BindingRule.ts"
import { defaultRoleOverlapSeconds, defaultRoleValiditySeconds } from "./FleetDefaults.ts"
import type { InstanceDefaultsInput, InstanceInput, NetworkInterfaceInput } from "./FleetSchema.ts"
import type { Instance } from "./Instance.ts"
import { cidrWithin, formatCidr, parseCidr } from "./IpAddress.ts"
import { regionOfZone } from "./Regions.ts"

const invalid = (path: string, message: string) => new FleetInvalid({ path, message })

/** `base.field`, or `field` alone at the root (`base` empty). */
const at = (base: string, field: string) => (base === "" ? field : `${base}.${field}`)

/** Spec §3.2: letters, digits and `@ : _ - . = ,`; not `.` or `..`. */
export const isValidTagKey = (key: string): boolean => /^[A-Za-z0-9@:_\-.=,]+$/.test(key) && key !== "." && key !== ".."

const checkTags = (tags: Readonly<Record<string, string>> | undefined, path: string) => {
  for (const key of Object.keys(tags ?? {})) {
    if (!isValidTagKey(key)) {
      return invalid(at(path, "tags"), `invalid tag key ${JSON.stringify(key)}: use letters, digits and @:_-.=, only`)
    }
  }
  return null
}

/** A meta-data path relative to `meta-data/` (`instance/instance-type`): no empty, `.` or `..` segments. */
export const isValidOverridePath = (path: string): boolean =>
  path
    .replace(/^\/+|\/+$/g, "")
    .split("/")
    .every((s) => s !== "" && s !== "." && s !== "..")

const checkOverrides = (overrides: Readonly<Record<string, string | null>> | undefined, path: string) => {
  for (const key of Object.keys(overrides ?? {})) {
    if (!isValidOverridePath(key)) {
      return invalid(at(path, "overrides"), `invalid meta-data path ${JSON.stringify(key)}`)
    }
  }
  return null
}

const checkPlacement = (input: InstanceDefaultsInput, path: string) =>
  input.regionId !== undefined && input.zoneId !== undefined && regionOfZone(input.zoneId) !== input.regionId
    ? invalid(
        at(path, "zoneId"),
        `zone ${JSON.stringify(input.zoneId)} is not in region ${JSON.stringify(input.regionId)}`
      )
    : null

const checkUserData = (input: InstanceDefaultsInput, path: string) => {
  const read = readUserData(input)
  return Result.isFailure(read)
    ? invalid(at(path, read.failure.field), userDataProblemMessage[read.failure.problem])
    : null
}

const checkRole = (input: InstanceDefaultsInput, path: string) => {
  const role = input.ramRole
  if (role === undefined || role === null) return null
  return (role.overlapSeconds ?? defaultRoleOverlapSeconds) < (role.validitySeconds ?? defaultRoleValiditySeconds)
    ? null
    : invalid(at(path, "ramRole.overlapSeconds"), "must be shorter than validitySeconds")
}

const checkInterface = (eni: NetworkInterfaceInput, path: string) => {
  const vpc = eni.vpcCidrBlock === undefined ? null : parseCidr(eni.vpcCidrBlock)
  const vsw = eni.vswitchCidrBlock === undefined ? null : parseCidr(eni.vswitchCidrBlock)
  const ip = eni.primaryIpAddress === undefined ? null : parseCidr(eni.primaryIpAddress)
  if (vpc !== null && vsw !== null && !cidrWithin(vsw, vpc)) {
    return invalid(
      at(path, "vswitchCidrBlock"),
      `${eni.vswitchCidrBlock} is not inside vpcCidrBlock ${eni.vpcCidrBlock}`
    )
  }
  const block = vsw ?? vpc
  if (ip !== null && block !== null && !cidrWithin(ip, block)) {
    return invalid(at(path, "primaryIpAddress"), `${eni.primaryIpAddress} is not inside ${formatCidr(block)}`)
  }
  return null
}

/** Rules shared by instances and the `defaults` block. */
export const checkShared = (input: InstanceDefaultsInput, path: string): FleetInvalid | null =>
  checkTags(input.tags, path) ??
  checkOverrides(input.overrides, path) ??
  checkPlacement(input, path) ??
  checkUserData(input, path) ??
  checkRole(input, path)

export const checkInstanceInput = (input: InstanceInput, path: string): FleetInvalid | null => {
  const shared = checkShared(input, path)
  if (shared !== null) return shared
  const enis = input.networkInterfaces ?? []
  for (let i = 0; i < enis.length; i++) {
    const problem = checkInterface(enis[i]!, `${path}.networkInterfaces[${i}]`)
    if (problem !== null) return problem
  }
  return null
}

/** Ids must be unique; `pathOf` names an instance in the message (`instances[3]`). Every duplicate, in order. */
export const uniqueIdProblems = (
  instances: ReadonlyArray<Pick<Instance, "instanceId">>,
  pathOf: (index: number) => string
): ReadonlyArray<FleetInvalid> => {
  const problems: Array<FleetInvalid> = []
  const seen = new Map<string, number>()
  for (let i = 0; i < instances.length; i++) {
    const id = instances[i]!.instanceId
    const first = seen.get(id)
    if (first !== undefined) problems.push(invalid(`${pathOf(i)}.instanceId`, `duplicate of ${pathOf(first)} (${id})`))
    else seen.set(id, i)
  }
  return problems
}

/**
 * No range may be bound to two instances (BindingRule.ts): a peer in it could be either. `::ffff:a.b.c.d`, `a.b.c.d`
 * and `a.b.c.d/32` are the same range; nested blocks are fine (the longest prefix wins; `bindingOverlaps` warns).
 * Every problem, in order: an address that does not parse, and each binding of a range an earlier instance holds.
 */
export const uniqueAddressProblems = (
  instances: ReadonlyArray<Pick<Instance, "instanceId" | "sourceAddresses">>,
  pathOf: (index: number) => string
): ReadonlyArray<FleetInvalid> => {
  const problems: Array<FleetInvalid> = []
  const owners = new Map<string, Binding>()
  for (let i = 0; i < instances.length; i++) {
    const { instanceId, sourceAddresses } = instances[i]!
    for (let j = 0; j < sourceAddresses.length; j++) {
      const path = `${pathOf(i)}.sourceAddresses[${j}]`
      const cidr = parseCidr(sourceAddresses[j]!)
      if (cidr === null) {
        problems.push(invalid(path, "expected an IP address or CIDR block"))
        continue
      }
      const binding: Binding = { instanceId, text: sourceAddresses[j]!, path, cidr }
      const key = formatCidr(cidr)
      const owner = owners.get(key)
      if (owner !== undefined && owner.instanceId !== instanceId)
        problems.push(invalid(path, sameRangeMessage(owner, binding)))
      else owners.set(key, binding)
    }
  }
  return problems
}

/** The first of {@link uniqueAddressProblems}, or null. */
export const checkUniqueAddresses = (
  instances: ReadonlyArray<Pick<Instance, "instanceId" | "sourceAddresses">>,
  pathOf: (index: number) => string
): FleetInvalid | null => uniqueAddressProblems(instances, pathOf)[0] ?? null
