// Accessors for the directory-shaped items: network interfaces (with JSON arrays, bracket lists and line lists
// decoded), disks, public keys and instance tags. Each walks the listing and reads only the items it names.
import { Effect, Option } from "effect"
import { JsonStringArray, parseBracketList, splitLines } from "./Decoders.ts"
import type { Read, Reader } from "./Read.ts"

export interface NetworkInterface {
  readonly mac: string
  readonly networkInterfaceId: string
  readonly vpcId: string
  readonly vswitchId: string
  readonly primaryIpAddress: string
  /** Decoded from the JSON array `["a","b"]`. */
  readonly privateIpv4s: ReadonlyArray<string>
  readonly ipv4Prefixes: ReadonlyArray<string>
  readonly netmask: string
  readonly gateway: string
  readonly vswitchCidrBlock: string
  readonly vpcCidrBlock: string
  /** Decoded from the bracket list `[a,b]`; empty when the ENI has no IPv6 (404). */
  readonly ipv6s: ReadonlyArray<string>
  readonly ipv6Prefixes: ReadonlyArray<string>
  readonly ipv6Gateway: string | null
  readonly vswitchIpv6CidrBlock: string | null
  readonly vpcIpv6CidrBlocks: ReadonlyArray<string>
}

export interface Disk {
  /** The listing name: the disk id without `d-`. */
  readonly serial: string
  readonly id: string
  readonly name: string
}

export interface PublicKey {
  /** Key pair id (or index) as listed. */
  readonly id: string
  readonly opensshKey: string
}

export interface InventoryAccessors {
  readonly networkInterfaces: Read<ReadonlyArray<NetworkInterface>>
  readonly disks: Read<ReadonlyArray<Disk>>
  readonly publicKeys: Read<ReadonlyArray<PublicKey>>
  /** Instance tags; empty when none are published (InstanceMetadataTags=disabled answers 404). */
  readonly tags: Read<Readonly<Record<string, string>>>
}

const concurrency = { concurrency: 8 } as const

export const makeInventory = (read: Reader): InventoryAccessors => {
  const emptyOn404 = <A>(items: Read<ReadonlyArray<A>>) =>
    Effect.map(
      read.optional(items),
      Option.getOrElse((): ReadonlyArray<A> => [])
    )

  const eni = (mac: string): Read<NetworkInterface> =>
    Effect.gen(function* () {
      const base = `meta-data/network/interfaces/macs/${mac}`
      const present = new Set((yield* read.listing(base)).map((entry) => entry.name))
      const text = (item: string) => read.text(`${base}/${item}`)
      const maybe = (item: string) =>
        present.has(item) ? Effect.map(text(item), (t) => t as string | null) : Effect.succeed(null)
      const list = (item: string, parse: (text: string) => ReadonlyArray<string>) =>
        Effect.map(maybe(item), (t) => (t === null ? [] : parse(t)))
      return yield* Effect.all(
        {
          mac: Effect.succeed(mac),
          networkInterfaceId: text("network-interface-id"),
          vpcId: text("vpc-id"),
          vswitchId: text("vswitch-id"),
          primaryIpAddress: text("primary-ip-address"),
          privateIpv4s: read.decode(`${base}/private-ipv4s`, JsonStringArray),
          ipv4Prefixes: list("ipv4-prefixes", splitLines),
          netmask: text("netmask"),
          gateway: text("gateway"),
          vswitchCidrBlock: text("vswitch-cidr-block"),
          vpcCidrBlock: text("vpc-cidr-block"),
          ipv6s: list("ipv6s", parseBracketList),
          ipv6Prefixes: list("ipv6-prefixes", splitLines),
          ipv6Gateway: maybe("ipv6-gateway"),
          vswitchIpv6CidrBlock: maybe("vswitch-ipv6-cidr-block"),
          vpcIpv6CidrBlocks: list("vpc-ipv6-cidr-blocks", parseBracketList)
        },
        concurrency
      )
    })

  const networkInterfaces = Effect.flatMap(read.listing("meta-data/network/interfaces/macs/"), (entries) =>
    Effect.forEach(entries, (entry) => eni(entry.name), concurrency)
  )

  const disks = emptyOn404(
    Effect.flatMap(read.listing("meta-data/disks/"), (entries) =>
      Effect.forEach(
        entries,
        (entry) =>
          Effect.all({
            serial: Effect.succeed(entry.name),
            id: read.text(`meta-data/disks/${entry.name}/id`),
            name: read.text(`meta-data/disks/${entry.name}/name`)
          }),
        concurrency
      )
    )
  )

  // EC2-style listings may say `0=my-key`: the path segment is before `=`.
  const publicKeys = emptyOn404(
    Effect.flatMap(read.listing("meta-data/public-keys/"), (entries) =>
      Effect.forEach(
        entries,
        (entry) => {
          const id = entry.name.split("=")[0] ?? entry.name
          return Effect.map(read.text(`meta-data/public-keys/${id}/openssh-key`), (opensshKey) => ({ id, opensshKey }))
        },
        concurrency
      )
    )
  )

  const tags = Effect.map(
    emptyOn404(
      Effect.flatMap(read.listing("meta-data/tags/instance/"), (entries) =>
        Effect.forEach(
          entries,
          (entry) =>
            Effect.map(read.text(`meta-data/tags/instance/${entry.name}`), (value) => [entry.name, value] as const),
          concurrency
        )
      )
    ),
    (pairs): Readonly<Record<string, string>> => Object.fromEntries(pairs)
  )

  return { networkInterfaces, disks, publicKeys, tags }
}
