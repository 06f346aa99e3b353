// Seeding a throwaway registry from what this workspace already installed, so a test can `npm install` third-party
// packages (a user's own Effect, TypeScript, our packages' dependencies) from loopback without any registry outside
// it: find the installed copies and everything they need at run time, pack each as the tarball it came from, publish.
import { spawnSync } from "node:child_process"
import { existsSync, readFileSync, realpathSync } from "node:fs"
import { dirname, join } from "node:path"

export interface InstalledPackage {
  readonly name: string
  readonly version: string
  /** The package's real directory (pnpm's store link, not the symlink that led to it). */
  readonly dir: string
}

interface Manifest {
  readonly name: string
  readonly version: string
  readonly dependencies?: Record<string, string>
  readonly optionalDependencies?: Record<string, string>
  readonly peerDependencies?: Record<string, string>
  readonly peerDependenciesMeta?: Record<string, { optional?: boolean }>
}

const manifestAt = (dir: string): Manifest => JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as Manifest

/** Where Node would find `name` from `dir`: the first `node_modules/<name>` on the way up (pnpm keeps it beside). */
export const findInstalled = (name: string, dir: string): string | undefined => {
  for (let at = dir; ; at = dirname(at)) {
    const candidate = join(at, "node_modules", name)
    if (existsSync(join(candidate, "package.json"))) return realpathSync(candidate)
    if (dirname(at) === at) return undefined
  }
}

/**
 * Every package that installing `roots` brings along: their dependencies, the optional ones this platform got, and
 * the peers npm would install (the ones not marked optional), found where each package resolves them. A required
 * dependency that is not installed is an error naming who needs it.
 */
export const installedClosure = (roots: ReadonlyArray<string>): ReadonlyArray<InstalledPackage> => {
  const found = new Map<string, InstalledPackage>()
  const visit = (dir: string) => {
    const manifest = manifestAt(dir)
    const key = `${manifest.name}@${manifest.version}`
    if (found.has(key)) return
    found.set(key, { name: manifest.name, version: manifest.version, dir })
    const optionalPeer = (name: string) => manifest.peerDependenciesMeta?.[name]?.optional === true
    const needs = [
      ...Object.keys(manifest.dependencies ?? {}).map((name) => ({ name, required: true })),
      ...Object.keys(manifest.optionalDependencies ?? {}).map((name) => ({ name, required: false })),
      ...Object.keys(manifest.peerDependencies ?? {})
        .filter((name) => !optionalPeer(name))
        .map((name) => ({ name, required: true }))
    ]
    for (const { name, required } of needs) {
      const at = findInstalled(name, dir)
      if (at !== undefined) visit(at)
      else if (required && manifest.optionalDependencies?.[name] === undefined) {
        throw new Error(`${key} needs ${name}, which is not installed beside it (${dir})`)
      }
    }
  }
  for (const root of roots) visit(realpathSync(root))
  return [...found.values()]
}

/**
 * Packs an installed package directory back into the tarball npm would have fetched (`package/…`, without any
 * nested node_modules) and returns its path.
 */
export const packInstalled = (pkg: InstalledPackage, dest: string): string => {
  const tarball = join(dest, `${pkg.name.replace("/", "-")}-${pkg.version}.tgz`)
  const r = spawnSync(
    "tar",
    ["-czf", tarball, "--exclude=./node_modules", "--transform", "s,^\\.,package,", "-C", pkg.dir, "."],
    { encoding: "utf8" }
  )
  if (r.status !== 0) throw new Error(`packing ${pkg.name}@${pkg.version} from ${pkg.dir} failed: ${r.stderr}`)
  return tarball
}
