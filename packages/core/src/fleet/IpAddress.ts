// IPv4/IPv6 addresses and CIDR blocks, parsed without platform modules. IPv4-mapped IPv6 (`::ffff:a.b.c.d`) is
// folded into IPv4 so a dual-stack socket's peer matches the IPv4 entries of the fleet.

export type IpAddress = { readonly family: 4; readonly value: number } | { readonly family: 6; readonly value: bigint }

export type Cidr =
  | { readonly family: 4; readonly network: number; readonly prefix: number }
  | { readonly family: 6; readonly network: bigint; readonly prefix: number }

const V6_MASK = (1n << 128n) - 1n

/** Dotted-quad to an unsigned 32-bit integer; rejects leading zeros (octal ambiguity) and out-of-range parts. */
export const parseIpv4 = (text: string): number | null => {
  const parts = text.split(".")
  if (parts.length !== 4) return null
  let value = 0
  for (const part of parts) {
    if (!/^(0|[1-9]\d{0,2})$/.test(part)) return null
    const n = Number(part)
    if (n > 255) return null
    value = value * 256 + n
  }
  return value
}

/** Colon-separated hex groups; a dotted quad is allowed only as the address's last 32 bits. */
const parseGroups = (text: string, allowQuad: boolean): Array<number> | null => {
  if (text === "") return []
  const groups: Array<number> = []
  const parts = text.split(":")
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i]!
    if (allowQuad && i === parts.length - 1 && part.includes(".")) {
      const v4 = parseIpv4(part)
      if (v4 === null) return null
      groups.push(v4 >>> 16, v4 & 0xffff)
    } else if (/^[0-9a-fA-F]{1,4}$/.test(part)) {
      groups.push(Number.parseInt(part, 16))
    } else return null
  }
  return groups
}

/** RFC 4291 text form (with `::` and an optional trailing dotted quad) to a 128-bit integer. */
export const parseIpv6 = (text: string): bigint | null => {
  const halves = text.split("::")
  if (halves.length > 2) return null
  const head = parseGroups(halves[0]!, halves.length === 1)
  const tail = halves.length === 2 ? parseGroups(halves[1]!, true) : []
  if (head === null || tail === null) return null
  const missing = 8 - head.length - tail.length
  if (halves.length === 2 ? missing < 1 : missing !== 0) return null
  let value = 0n
  for (const g of [...head, ...new Array<number>(missing).fill(0), ...tail]) value = (value << 16n) | BigInt(g)
  return value
}

/** Any textual address; drops an IPv6 zone (`%eth0`) and folds IPv4-mapped IPv6 into IPv4. */
export const parseIp = (text: string): IpAddress | null => {
  if (!text.includes(":")) {
    const v4 = parseIpv4(text)
    return v4 === null ? null : { family: 4, value: v4 }
  }
  const zone = text.indexOf("%")
  const v6 = parseIpv6(zone === -1 ? text : text.slice(0, zone))
  if (v6 === null) return null
  if (v6 >> 32n === 0xffffn) return { family: 4, value: Number(v6 & 0xffffffffn) }
  return { family: 6, value: v6 }
}

export const ipv4Mask = (prefix: number): number => (prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0)

const ipv6Mask = (prefix: number): bigint => (V6_MASK << BigInt(128 - prefix)) & V6_MASK

/** `a.b.c.d/n`, `x::y/n`, or a bare address (a /32 or /128). Host bits must be zero, so typos are caught. */
export const parseCidr = (text: string): Cidr | null => {
  const slash = text.indexOf("/")
  const ip = parseIp(slash === -1 ? text : text.slice(0, slash))
  if (ip === null) return null
  const mappedText = slash !== -1 && ip.family === 4 && text.includes(":")
  const width = ip.family === 4 ? 32 : 128
  const prefixText = slash === -1 ? String(mappedText ? 128 : width) : text.slice(slash + 1)
  if (!/^(0|[1-9]\d{0,2})$/.test(prefixText)) return null
  // A mapped block (`::ffff:10.0.0.0/104`) is the IPv4 block with 96 bits less.
  const prefix = Number(prefixText) - (mappedText ? 96 : 0)
  if (prefix < 0 || prefix > width) return null
  if (ip.family === 4) {
    return (ip.value & ipv4Mask(prefix)) >>> 0 === ip.value ? { family: 4, network: ip.value, prefix } : null
  }
  return (ip.value & ipv6Mask(prefix)) === ip.value ? { family: 6, network: ip.value, prefix } : null
}

export const cidrContains = (cidr: Cidr, ip: IpAddress): boolean => {
  if (cidr.family === 4) return ip.family === 4 && (ip.value & ipv4Mask(cidr.prefix)) >>> 0 === cidr.network
  return ip.family === 6 && (ip.value & ipv6Mask(cidr.prefix)) === cidr.network
}

/** `inner` lies entirely inside `outer`. */
export const cidrWithin = (inner: Cidr, outer: Cidr): boolean =>
  inner.prefix >= outer.prefix &&
  cidrContains(outer, inner.family === 4 ? { family: 4, value: inner.network } : { family: 6, value: inner.network })

export const formatIpv4 = (value: number): string =>
  `${value >>> 24}.${(value >>> 16) & 255}.${(value >>> 8) & 255}.${value & 255}`

/** RFC 5952 canonical text: lower case, no leading zeros, the longest run (≥ 2) of zero groups as `::`. */
export const formatIpv6 = (value: bigint): string => {
  const groups = Array.from({ length: 8 }, (_, i) => Number((value >> BigInt(112 - 16 * i)) & 0xffffn))
  let best = -1
  let bestLength = 1
  for (let i = 0; i < 8; ) {
    let j = i
    while (j < 8 && groups[j] === 0) j++
    if (j - i > bestLength) [best, bestLength] = [i, j - i]
    i = j === i ? i + 1 : j
  }
  const hex = groups.map((g) => g.toString(16))
  if (best === -1) return hex.join(":")
  return `${hex.slice(0, best).join(":")}::${hex.slice(best + bestLength).join(":")}`
}

export const formatIp = (ip: IpAddress): string => (ip.family === 4 ? formatIpv4(ip.value) : formatIpv6(ip.value))

export const formatCidr = (cidr: Cidr): string =>
  `${cidr.family === 4 ? formatIpv4(cidr.network) : formatIpv6(cidr.network)}/${cidr.prefix}`

/** True for a block that names one address (`/32`, `/128`): it binds like an exact address. */
export const isSingleAddress = (cidr: Cidr): boolean => cidr.prefix === (cidr.family === 4 ? 32 : 128)
