// Where RunInstances binds a new instance: the next loopback address (127.0.0.2, 127.0.0.3, …) that no instance's
// source addresses cover, so a program can read the new instance's metadata by connecting from that address.
import type { Instance } from "../fleet/Instance.ts"
import { cidrContains, formatIpv4, parseCidr, parseIpv4 } from "../fleet/IpAddress.ts"

const first = parseIpv4("127.0.0.2")!
const last = parseIpv4("127.255.255.254")!

/** The lowest free address from 127.0.0.2 on, skipping every `.0` and `.255`; null when none is left. */
export const nextFreeLoopback = (instances: ReadonlyArray<Instance>): string | null => {
  const taken = instances.flatMap((i) => i.sourceAddresses.map(parseCidr)).filter((c) => c !== null)
  for (let value = first; value <= last; value++) {
    const low = value & 0xff
    if (low === 0 || low === 255) continue
    const ip = { family: 4 as const, value }
    if (!taken.some((cidr) => cidrContains(cidr, ip))) return formatIpv4(value)
  }
  return null
}
