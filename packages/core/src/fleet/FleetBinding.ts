// Which instance a TCP peer is, by the rule of BindingRule.ts: exact addresses in a Map, then CIDR blocks in order of
// precedence (longest prefix first), then the fleet's default instance (or nobody, when unmatched peers are refused).
// Compiled once per fleet change, memoised per peer.
import { Effect } from "effect"
import { UnboundPeer } from "../Errors.ts"
import { byPrecedence } from "./BindingRule.ts"
import type { FleetConfig } from "./FleetSchema.ts"
import { type Cidr, cidrContains, formatIp, isSingleAddress, parseCidr, parseIp } from "./IpAddress.ts"

/** Peer address (as the socket reports it) → instance id, or `null` when the peer must be refused. */
export type PeerMatcher = (address: string) => string | null

interface Block {
  readonly cidr: Cidr
  readonly instanceId: string
}

export type BindingInput = Pick<FleetConfig, "instances" | "unmatchedPeers" | "defaultInstanceId">

/** Peers are few and repeat, so remembering answers keeps the hot path a Map hit; the cap bounds hostile churn. */
const memoCapacity = 4096

const indexAddresses = (config: BindingInput) => {
  const exact = new Map<string, string>()
  const blocks: Array<Block> = []
  for (const instance of config.instances) {
    for (const text of instance.sourceAddresses) {
      const cidr = parseCidr(text)
      if (cidr === null) continue
      if (isSingleAddress(cidr)) {
        const key = formatIp(
          cidr.family === 4 ? { family: 4, value: cidr.network } : { family: 6, value: cidr.network }
        )
        exact.set(key, instance.instanceId)
      } else blocks.push({ cidr, instanceId: instance.instanceId })
    }
  }
  blocks.sort((a, b) => byPrecedence(a.cidr, b.cidr))
  return { exact, blocks }
}

const fallbackOf = (config: BindingInput): string | null =>
  config.unmatchedPeers === "default" && config.instances.some((i) => i.instanceId === config.defaultInstanceId)
    ? config.defaultInstanceId
    : null

export const compileBinding = (config: BindingInput): PeerMatcher => {
  const { exact, blocks } = indexAddresses(config)
  const fallback = fallbackOf(config)
  const memo = new Map<string, string | null>()
  // Most traffic comes from one peer address at a time: its answer is kept before any map is hashed.
  let lastAddress: string | undefined
  let lastFound: string | null = null
  const slow = (address: string): string | null => {
    const ip = parseIp(address)
    if (ip === null) return fallback
    const hit = exact.get(formatIp(ip))
    if (hit !== undefined) return hit
    for (const block of blocks) if (cidrContains(block.cidr, ip)) return block.instanceId
    return fallback
  }
  const lookup = (address: string): string | null => {
    const direct = exact.get(address)
    if (direct !== undefined) return direct
    const known = memo.get(address)
    if (known !== undefined) return known
    const found = slow(address)
    if (memo.size >= memoCapacity) memo.clear()
    memo.set(address, found)
    return found
  }
  return (address) => {
    if (address !== lastAddress) {
      lastFound = lookup(address)
      lastAddress = address
    }
    return lastFound
  }
}

/** The matcher as an Effect: a refused peer fails with UnboundPeer. */
export const bindPeer = (matcher: PeerMatcher, address: string): Effect.Effect<string, UnboundPeer> => {
  const id = matcher(address)
  return id === null ? Effect.fail(new UnboundPeer({ address })) : Effect.succeed(id)
}
