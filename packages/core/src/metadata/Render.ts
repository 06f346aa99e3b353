// Resolution of a request path to the exact bytes the real service sends (spec §2–§9, §15). The tree and its listings
// are compiled once per immutable state; only credentials, system events, pkcs7 and `all` are rendered on demand.
import { Clock, Effect } from "effect"
import { credentialAt, credentialIndexAt, renderCredentials } from "../credentials/RamCredentials.ts"
import type { InstanceState, WireOptions } from "../fleet/InstanceState.ts"
import { publishedEvents, renderSystemEvents } from "./Events.ts"
import { child, type Dir, type LeafContent, type Node } from "./MetadataNode.ts"
import { parsePath, versions } from "./MetadataPath.ts"
import { buildTree } from "./MetadataTree.ts"

export interface RenderContext {
  /** Virtual epoch ms. */
  readonly now: number
  readonly wire: WireOptions
  /** Derives RAM keys deterministically (FleetStore provides it). */
  readonly credentialSecret: Uint8Array
}

export type Resolved =
  /** A leaf or a listing: the exact bytes to send. */
  | { readonly _tag: "Body"; readonly body: string | Uint8Array }
  /** `dynamic/instance-identity/pkcs7`: the server signs the identity document via the Identity service. */
  | { readonly _tag: "Pkcs7"; readonly audience: string | null }
  | { readonly _tag: "NotFound" }

/** Where a raw request path leads: a node, the version listing, or nowhere. */
type Target = Node | "versions" | null

interface Compiled {
  readonly root: Dir
  readonly metaData: Dir
  /** Raw path → target, so a repeated path skips parsing and the walk (bounded: hostile paths only refill it). */
  readonly targets: Map<string, Target>
  all: Resolved | null
  credential: {
    readonly index: number
    readonly secret: Uint8Array
    readonly leadingSpace: boolean
    readonly body: Resolved
  } | null
}

const notFound: Resolved = { _tag: "NotFound" }
const maxTargets = 1024
const versionListing: Resolved = { _tag: "Body", body: versions.join("\n") }
const compiledTrees = new WeakMap<InstanceState, Compiled>()

const compile = (state: InstanceState): Compiled => {
  const cached = compiledTrees.get(state)
  if (cached !== undefined) return cached
  const root = buildTree(state)
  const metaData = root.entries.get("meta-data")!.node as Dir
  const compiled: Compiled = { root, metaData, targets: new Map(), all: null, credential: null }
  compiledTrees.set(state, compiled)
  return compiled
}

/** What `GET <rawPath>` returns for this instance at `ctx.now`. Synchronous; cheap after a state's first request. */
export const resolve = (
  state: InstanceState,
  rawPath: string,
  query: URLSearchParams | null,
  ctx: RenderContext
): Resolved => {
  const compiled = compile(state)
  const target = targetOf(compiled, rawPath)
  if (target === null) return notFound
  if (target === "versions") return versionListing
  return target._tag === "Dir" ? target.listing : renderLeaf(state, compiled, target.content, query, ctx)
}

const targetOf = (compiled: Compiled, rawPath: string): Target => {
  let target = compiled.targets.get(rawPath)
  if (target === undefined) {
    target = walk(compiled.root, rawPath)
    if (compiled.targets.size >= maxTargets) compiled.targets.clear()
    compiled.targets.set(rawPath, target)
  }
  return target
}

const walk = (root: Dir, rawPath: string): Target => {
  const path = parsePath(rawPath)
  if (path === null) return null
  if (path._tag === "Root") return "versions"
  let node: Node | undefined = root
  for (const segment of path.segments) {
    node = node._tag === "Dir" ? child(node, segment) : undefined
    if (node === undefined) return null
  }
  return node
}

/** `resolve` at the current time of the Effect `Clock` (the virtual clock in the emulator). */
export const resolveNow = (
  state: InstanceState,
  rawPath: string,
  query: URLSearchParams | null,
  options: Omit<RenderContext, "now">
): Effect.Effect<Resolved> =>
  Effect.map(Clock.currentTimeMillis, (now) => resolve(state, rawPath, query, { ...options, now }))

const renderLeaf = (
  state: InstanceState,
  compiled: Compiled,
  content: LeafContent,
  query: URLSearchParams | null,
  ctx: RenderContext
): Resolved => {
  switch (content._tag) {
    case "Body":
      return content
    case "Pkcs7":
      return { _tag: "Pkcs7", audience: query?.get("audience") ?? null }
    case "SystemEvents": {
      const events = publishedEvents(state.systemEvents, ctx.now)
      if (events.length === 0) return ctx.wire.emptySystemEvents
      return { _tag: "Body", body: renderSystemEvents(events, ctx.now) }
    }
    case "Credentials":
      return credentialBody(state, compiled, ctx)
    case "All":
      if (!ctx.wire.metaDataAll) return notFound
      compiled.all ??= { _tag: "Body", body: JSON.stringify(bulk(compiled.metaData)) }
      return compiled.all
  }
}

/** Deriving a credential costs ~20 HMACs, so the body is kept until the series moves on (or the secret changes). */
const credentialBody = (state: InstanceState, compiled: Compiled, ctx: RenderContext): Resolved => {
  const { role } = state
  if (role === null) return notFound
  const index = credentialIndexAt(role, ctx.now)
  const leadingSpace = ctx.wire.credentialLeadingSpace
  const cached = compiled.credential
  if (cached?.index === index && cached.secret === ctx.credentialSecret && cached.leadingSpace === leadingSpace) {
    return cached.body
  }
  const credential = credentialAt({ role, instanceId: state.instance.instanceId, secret: ctx.credentialSecret }, index)
  const body: Resolved = { _tag: "Body", body: renderCredentials(credential, leadingSpace) }
  compiled.credential = { index, secret: ctx.credentialSecret, leadingSpace, body }
  return body
}

type Bulk = { [name: string]: string | Bulk }

/** `meta-data/all`: directories as objects keyed without `/`, leaves as their single-item bodies (spec §5). */
const bulk = (node: Dir): Bulk => {
  // A null prototype keeps a tag key such as `__proto__` an ordinary property.
  const out: Bulk = Object.create(null)
  for (const [name, entry] of node.ordered) {
    const item = entry.node
    if (item._tag === "Dir") out[name] = item.bulk === "listing" ? item.listing.body : bulk(item)
    else if (item.content._tag === "Body") out[name] = item.content.body
  }
  return out
}
