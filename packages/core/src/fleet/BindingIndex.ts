// Which bindings can overlap, found without comparing every pair: a range overlaps another only when one contains
// the other, so for each binding it is enough to look up the earlier ranges that contain it (its own network cut to
// each shorter prefix in use) and the earlier ranges inside it (a binary search over each longer prefix's sorted
// networks). A 10,000-instance fleet is then checked in milliseconds instead of 50 million comparisons.
import type { Cidr } from "./IpAddress.ts"

type Network = number | bigint

interface Family {
  /** Indices of the bindings of each exact range, by prefix and then by network. */
  readonly exact: Map<number, Map<Network, Array<number>>>
  /** The bindings of each prefix, sorted by network (then index). */
  readonly sorted: Map<number, Array<{ readonly network: Network; readonly index: number }>>
}

/** `cidr`'s network cut to a shorter `prefix`. */
const cut = (cidr: Cidr, prefix: number): Network => {
  if (cidr.family === 4) return prefix === 0 ? 0 : (cidr.network & ((0xffffffff << (32 - prefix)) >>> 0)) >>> 0
  return prefix === 0 ? 0n : cidr.network & (((1n << BigInt(prefix)) - 1n) << BigInt(128 - prefix))
}

/** The last address of `cidr`'s range. */
const lastOf = (cidr: Cidr): Network =>
  cidr.family === 4 ? cidr.network + 2 ** (32 - cidr.prefix) - 1 : cidr.network + (1n << BigInt(128 - cidr.prefix)) - 1n

/** The first position in `list` whose network is at least `network`. */
const lowerBound = (list: ReadonlyArray<{ readonly network: Network }>, network: Network): number => {
  let low = 0
  let high = list.length
  while (low < high) {
    const mid = (low + high) >>> 1
    if (list[mid]!.network < network) low = mid + 1
    else high = mid
  }
  return low
}

/**
 * For each binding, in order, the indices of the earlier bindings whose range contains its range or lies inside it
 * (equal ranges included), ascending: exactly the earlier bindings a pairwise comparison could find overlapping.
 */
export const containmentCandidates = (bindings: ReadonlyArray<{ readonly cidr: Cidr }>): Array<Array<number>> => {
  const families = new Map<4 | 6, Family>()
  for (const [index, { cidr }] of bindings.entries()) {
    let family = families.get(cidr.family)
    if (family === undefined) {
      family = { exact: new Map(), sorted: new Map() }
      families.set(cidr.family, family)
    }
    let networks = family.exact.get(cidr.prefix)
    if (networks === undefined) {
      networks = new Map()
      family.exact.set(cidr.prefix, networks)
      family.sorted.set(cidr.prefix, [])
    }
    const same = networks.get(cidr.network)
    if (same === undefined) networks.set(cidr.network, [index])
    else same.push(index)
    family.sorted.get(cidr.prefix)!.push({ network: cidr.network, index })
  }
  for (const family of families.values()) {
    for (const list of family.sorted.values()) {
      list.sort((a, b) => (a.network < b.network ? -1 : a.network > b.network ? 1 : a.index - b.index))
    }
  }
  return bindings.map(({ cidr }, j) => {
    const family = families.get(cidr.family)!
    const found = new Set<number>()
    for (const [prefix, networks] of family.exact) {
      if (prefix > cidr.prefix) continue
      for (const i of networks.get(cut(cidr, prefix)) ?? []) if (i < j) found.add(i)
    }
    const last = lastOf(cidr)
    for (const [prefix, list] of family.sorted) {
      if (prefix <= cidr.prefix) continue
      for (let at = lowerBound(list, cidr.network); at < list.length && list[at]!.network <= last; at++) {
        if (list[at]!.index < j) found.add(list[at]!.index)
      }
    }
    return [...found].sort((a, b) => a - b)
  })
}
