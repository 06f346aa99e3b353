// Request-path normalisation for the metadata tree (spec §2, §15): the version prefix, a tolerated trailing `/`, and
// refusal of anything that could name a node outside the tree (empty, `.`/`..`, encoded `/` or NUL segments).

export const versions = ["2016-01-01", "latest"] as const
export type Version = (typeof versions)[number]

export type MetadataPath =
  /** `/`: the list of versions. */
  | { readonly _tag: "Root" }
  /** `/<version>/…`; `segments` excludes the version and keeps the case of each segment. */
  | {
      readonly _tag: "Tree"
      readonly version: Version
      readonly segments: ReadonlyArray<string>
      /** The path ended in `/` (informational: leaves and directories answer either way). */
      readonly directory: boolean
    }

const root: MetadataPath = { _tag: "Root" }

/** Parses a raw request target; `null` means it cannot name anything in the tree (→ 404). */
export const parsePath = (raw: string): MetadataPath | null => {
  const query = raw.indexOf("?")
  const path = query === -1 ? raw : raw.slice(0, query)
  if (path === "/") return root
  if (!path.startsWith("/")) return null
  const parts = path.slice(1).split("/")
  const directory = parts.length > 1 && parts[parts.length - 1] === ""
  if (directory) parts.pop()
  const version = matchVersion(parts[0]!)
  if (version === null) return null
  const segments: Array<string> = []
  for (let i = 1; i < parts.length; i++) {
    const segment = decodeSegment(parts[i]!)
    if (segment === null) return null
    segments.push(segment)
  }
  return { _tag: "Tree", version, segments, directory }
}

const matchVersion = (segment: string): Version | null => {
  const lower = segment.toLowerCase()
  return lower === "latest" || lower === "2016-01-01" ? lower : null
}

/** Percent-decodes one segment, refusing what could escape the tree or smuggle a separator. */
const decodeSegment = (part: string): string | null => {
  let segment = part
  if (part.includes("%")) {
    try {
      segment = decodeURIComponent(part)
    } catch {
      return null
    }
  }
  if (segment === "" || segment === "." || segment === "..") return null
  if (segment.includes("/") || segment.includes("\u0000")) return null
  return segment
}
