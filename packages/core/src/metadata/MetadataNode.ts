// The node shapes of a metadata tree: directories of named entries and leaves. A tree is built per instance state,
// edited by overrides, then sealed: every listing is rendered once and lookups become map reads.

/** Bytes fixed when the tree is built. Shaped like `Resolved`'s body so a leaf can be served without allocation. */
export interface Fixed {
  readonly _tag: "Body"
  readonly body: string
}

/** What a leaf serves. Everything but `Body` depends on the request (time, query) and is rendered per call. */
export type LeafContent =
  | Fixed
  | { readonly _tag: "Credentials" }
  | { readonly _tag: "Pkcs7" }
  | { readonly _tag: "SystemEvents" }
  | { readonly _tag: "All" }

export interface Leaf {
  readonly _tag: "Leaf"
  readonly content: LeafContent
}

export interface Dir {
  readonly _tag: "Dir"
  readonly entries: Map<string, Entry>
  /** How `meta-data/all` shows it: an object, or its listing as one string (the role name, never credentials). */
  readonly bulk: "object" | "listing"
  /** Filled by `seal`. */
  listing: Fixed
  /** Filled by `seal`: lower-cased names of static entries, for case-insensitive matching. */
  folded: Map<string, Node>
  /** Filled by `seal`: listed entries in listing order. */
  ordered: ReadonlyArray<readonly [name: string, entry: Entry]>
}

export type Node = Dir | Leaf

export interface Flags {
  /** A data-derived name (role, tag key, MAC, disk serial, key id): matched with its exact case. */
  readonly dynamic?: boolean
  /** Served but not listed (`meta-data/all`). */
  readonly hidden?: boolean
  /** A directory its parent lists without the trailing `/` (`meta-data`, `instance-identity`). */
  readonly bare?: boolean
}

export interface Entry extends Flags {
  node: Node
}

export type Child = readonly [name: string, node: Node | null, flags?: Flags]

const unsealed: Fixed = { _tag: "Body", body: "" }

export const fixed = (body: string): Fixed => ({ _tag: "Body", body })

export const text = (body: string): Leaf => ({ _tag: "Leaf", content: fixed(body) })

/** A leaf when the value exists, nothing otherwise (the item is then absent from listings and 404). */
export const optionalText = (body: string | null): Leaf | null => (body === null ? null : text(body))

export const dynamicLeaf = (content: Exclude<LeafContent, Fixed>): Leaf => ({ _tag: "Leaf", content })

/** A directory of the given children; `null` nodes are left out. */
export const dir = (children: ReadonlyArray<Child>, bulk: Dir["bulk"] = "object"): Dir => {
  const entries = new Map<string, Entry>()
  for (const [name, node, flags] of children) if (node !== null) entries.set(name, { ...flags, node })
  return { _tag: "Dir", entries, bulk, listing: unsealed, folded: new Map(), ordered: [] }
}

/** Finds a child: exact name first, then a case-insensitive match among static names (`Ram` → `ram`). */
export const child = (parent: Dir, segment: string): Node | undefined =>
  parent.entries.get(segment)?.node ?? parent.folded.get(segment.toLowerCase())

/** The entry for `segment` with its stored name, matching as `child` does (used while editing, before sealing). */
export const findEntry = (parent: Dir, segment: string): readonly [string, Entry] | undefined => {
  const exact = parent.entries.get(segment)
  if (exact !== undefined) return [segment, exact]
  const lower = segment.toLowerCase()
  for (const [name, entry] of parent.entries) if (!entry.dynamic && name.toLowerCase() === lower) return [name, entry]
  return undefined
}

const listedName = (name: string, entry: Entry): string =>
  entry.node._tag === "Dir" && !entry.bare ? `${name}/` : name

/** Renders every listing (LF-joined, byte-sorted including the `/`, no trailing newline) and the lookup maps. */
export const seal = (node: Dir): Dir => {
  const listed: Array<readonly [string, readonly [string, Entry]]> = []
  for (const [name, entry] of node.entries) {
    if (entry.node._tag === "Dir") seal(entry.node)
    if (!entry.dynamic) node.folded.set(name.toLowerCase(), entry.node)
    if (!entry.hidden) listed.push([listedName(name, entry), [name, entry]])
  }
  listed.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
  node.listing = fixed(listed.map(([shown]) => shown).join("\n"))
  node.ordered = listed.map(([, pair]) => pair)
  return node
}
