// An instance's `overrides` applied on top of its generated meta-data tree: a string replaces or creates the leaf at a
// meta-data path (creating directories on the way, so listings show it), `null` removes the item and its subtree.
import { type Dir, dir, findEntry, text } from "./MetadataNode.ts"

/** Edits `metaData` in place (it must not be sealed yet). Paths are relative to `meta-data/`; invalid ones are skipped. */
export const applyOverrides = (metaData: Dir, overrides: Readonly<Record<string, string | null>>): void => {
  for (const [path, value] of Object.entries(overrides)) {
    const segments = splitOverridePath(path)
    if (segments === null) continue
    if (value === null) remove(metaData, segments)
    else put(metaData, segments, value)
  }
}

const splitOverridePath = (path: string): Array<string> | null => {
  const segments = path.replace(/^\/+|\/+$/g, "").split("/")
  return segments.every((s) => s !== "" && s !== "." && s !== "..") ? segments : null
}

const put = (root: Dir, segments: ReadonlyArray<string>, value: string): void => {
  let parent = root
  for (const [i, segment] of segments.entries()) {
    const found = findEntry(parent, segment)
    if (i === segments.length - 1) {
      if (found === undefined) parent.entries.set(segment, { node: text(value) })
      else found[1].node = text(value)
      return
    }
    if (found !== undefined && found[1].node._tag === "Dir") {
      parent = found[1].node
      continue
    }
    const created = dir([])
    if (found === undefined) parent.entries.set(segment, { node: created })
    else found[1].node = created
    parent = created
  }
}

const remove = (root: Dir, segments: ReadonlyArray<string>): void => {
  let parent: Dir = root
  for (const [i, segment] of segments.entries()) {
    const found = findEntry(parent, segment)
    if (found === undefined) return
    if (i === segments.length - 1) {
      parent.entries.delete(found[0])
      return
    }
    if (found[1].node._tag !== "Dir") return
    parent = found[1].node
  }
}
