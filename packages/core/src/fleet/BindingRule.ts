// The rule that says which instance a peer is, stated once: the longest prefix wins (an exact address is the longest
// of all), and two instances may not bind the same range. The peer matcher sorts by it; the overlap report explains it.
import { containmentCandidates } from "./BindingIndex.ts"
import type { Instance } from "./Instance.ts"
import { type Cidr, cidrWithin, formatCidr, isSingleAddress, parseCidr } from "./IpAddress.ts"

/** One entry of an instance's `sourceAddresses`, as written and as parsed. */
export interface Binding {
  readonly instanceId: string
  /** The entry as the fleet spells it (`::ffff:127.0.0.2`, `127.0.0.0/24`). */
  readonly text: string
  /** Where it is: `instances[1].sourceAddresses[0]`. */
  readonly path: string
  readonly cidr: Cidr
}

/** Orders blocks so that the one a peer is bound to comes first: a longer prefix before a shorter one. */
export const byPrecedence = (a: Cidr, b: Cidr): number => b.prefix - a.prefix

/**
 * Two bindings of different instances that overlap. `error`: the same range (same-length blocks overlap only when
 * equal), so a peer in it could be either. `warning`: `outer` contains `inner`, whose instance wins inside it.
 */
export type BindingOverlap =
  | { readonly severity: "error"; readonly first: Binding; readonly second: Binding; readonly message: string }
  | { readonly severity: "warning"; readonly outer: Binding; readonly inner: Binding; readonly message: string }

const shown = (b: Binding): string => {
  const canonical = isSingleAddress(b.cidr) ? formatCidr(b.cidr).split("/")[0] : formatCidr(b.cidr)
  return canonical === b.text ? `${b.text} (${b.instanceId})` : `${b.text} = ${canonical} (${b.instanceId})`
}

/** The error's message, said from `second` (the later entry, which the error's path names). */
export const sameRangeMessage = (first: Binding, second: Binding): string =>
  `${shown(second)} is the same range as ${shown(first)} at ${first.path}: a peer in it could be either instance`

export const containsMessage = (outer: Binding, inner: Binding): string =>
  `${shown(outer)} contains ${shown(inner)}: peers in ${inner.text} are ${inner.instanceId} (the longer prefix wins)`

/** Every parseable entry of every instance, in fleet order; `pathOf(i)` names instance `i` (`instances[i]`). */
export const bindingsOf = (
  instances: ReadonlyArray<Pick<Instance, "instanceId" | "sourceAddresses">>,
  pathOf: (index: number) => string
): Array<Binding> =>
  instances.flatMap((instance, i) =>
    instance.sourceAddresses.flatMap((text, j) => {
      const cidr = parseCidr(text)
      return cidr === null
        ? []
        : [{ instanceId: instance.instanceId, text, path: `${pathOf(i)}.sourceAddresses[${j}]`, cidr }]
    })
  )

const overlapOf = (earlier: Binding, later: Binding): BindingOverlap | null => {
  if (earlier.instanceId === later.instanceId) return null
  if (earlier.cidr.prefix === later.cidr.prefix) {
    return cidrWithin(later.cidr, earlier.cidr)
      ? { severity: "error", first: earlier, second: later, message: sameRangeMessage(earlier, later) }
      : null
  }
  const [inner, outer] = [earlier, later].sort((x, y) => byPrecedence(x.cidr, y.cidr)) as [Binding, Binding]
  return cidrWithin(inner.cidr, outer.cidr)
    ? { severity: "warning", outer, inner, message: containsMessage(outer, inner) }
    : null
}

/** Every overlap between bindings of different instances, errors and warnings, in fleet order (of the later one). */
export const bindingOverlaps = (bindings: ReadonlyArray<Binding>): Array<BindingOverlap> => {
  // Only ranges that contain one another can overlap: each binding is compared with those, not with every other.
  const candidates = containmentCandidates(bindings)
  return bindings.flatMap((later, j) =>
    candidates[j]!.flatMap((i) => {
      const overlap = overlapOf(bindings[i]!, later)
      return overlap === null ? [] : [overlap]
    })
  )
}

/** The overlaps of a fleet's instances, each entry named as the fleet file names it (`instances[1]…`). */
export const fleetOverlaps = (
  instances: ReadonlyArray<Pick<Instance, "instanceId" | "sourceAddresses">>
): Array<BindingOverlap> => bindingOverlaps(bindingsOf(instances, (i) => `instances[${i}]`))
