// Seeding the throwaway registry: the closure of installed packages, repacking them, and npm installing them back
// from verdaccio on loopback with no other registry configured.
import { spawnSync } from "node:child_process"
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { dirname, join } from "node:path"
import { afterAll, describe, expect, it } from "vitest"
import { compareVersions, installedClosure, packInstalled, startRegistry } from "../src/index.ts"

const scratch = mkdtempSync(join(tmpdir(), "aliyun-imds-registry-test-"))
afterAll(() => rmSync(scratch, { recursive: true, force: true }))

/** A package directory with `manifest` and one file, laid out the way pnpm does: `.pnpm/<id>/node_modules/<name>`. */
const installed = (store: string, manifest: Record<string, unknown>): string => {
  const dir = join(
    store,
    ".pnpm",
    `${manifest.name}@${manifest.version}`.replace("/", "+"),
    "node_modules",
    `${manifest.name}`
  )
  mkdirSync(dir, { recursive: true })
  writeFileSync(join(dir, "package.json"), JSON.stringify(manifest))
  writeFileSync(join(dir, "index.js"), `module.exports = ${JSON.stringify(`${manifest.name}@${manifest.version}`)}\n`)
  return dir
}
/** Links `dep` beside `pkg`, as pnpm does for a dependency. */
const link = (pkg: string, dep: string, name: string) => {
  const at = join(pkg.slice(0, pkg.lastIndexOf("/node_modules/") + "/node_modules".length), name)
  mkdirSync(dirname(at), { recursive: true })
  symlinkSync(dep, at)
}

describe("installedClosure", () => {
  const store = join(scratch, "store", "node_modules")
  const app = installed(store, {
    name: "app",
    version: "1.0.0",
    dependencies: { "@s/lib": "^2.0.0" },
    optionalDependencies: { "only-on-mac": "1.0.0" },
    peerDependencies: { peer: "^3.0.0", "optional-peer": "*" },
    peerDependenciesMeta: { "optional-peer": { optional: true } }
  })
  const lib = installed(store, { name: "@s/lib", version: "2.1.0", dependencies: { leaf: "1.x" } })
  const leaf = installed(store, { name: "leaf", version: "1.2.3", dependencies: { app: "1.0.0" } })
  const peer = installed(store, { name: "peer", version: "3.0.0" })
  installed(store, { name: "optional-peer", version: "1.0.0" })
  link(app, lib, "@s/lib")
  link(app, peer, "peer")
  link(lib, leaf, "leaf")
  link(leaf, app, "app")

  it("follows dependencies, scoped ones and cycles included, and the peers npm installs, once each", () => {
    const names = installedClosure([app]).map((p) => `${p.name}@${p.version}`)
    expect(names.sort()).toEqual(["@s/lib@2.1.0", "app@1.0.0", "leaf@1.2.3", "peer@3.0.0"])
  })

  it("names the package whose required dependency is missing", () => {
    const broken = installed(store, { name: "broken", version: "0.1.0", dependencies: { nowhere: "1" } })
    expect(() => installedClosure([broken])).toThrow(/broken@0\.1\.0 needs nowhere/)
  })
})

describe("compareVersions", () => {
  it.each([
    ["4.1.5", "4.1.0", 1],
    ["4.1.0", "4.10.0", -1],
    ["1.0.0-beta.1", "1.0.0", -1],
    ["1.0.0-beta.2", "1.0.0-beta.1", 1],
    ["2.0.0", "2.0.0", 0]
  ])("%s against %s is %i", (a, b, order) => expect(compareVersions(a, b)).toBe(order))
})

describe("a seeded registry", () => {
  it("serves repacked packages that npm installs from it alone, the highest version as latest", async () => {
    const store = join(scratch, "seeded", "node_modules")
    const older = installed(store, { name: "@seed/util", version: "1.0.0" })
    const newer = installed(store, { name: "@seed/util", version: "1.4.0" })
    const top = installed(store, { name: "top", version: "0.2.0", dependencies: { "@seed/util": "^1.0.0" } })
    link(top, older, "@seed/util")
    mkdirSync(join(scratch, "registry"))
    const registry = await startRegistry(join(scratch, "registry"))
    try {
      const token = await registry.addUser("seeder", "throwaway-password")
      const packs = join(scratch, "packs")
      mkdirSync(packs)
      for (const pkg of [...installedClosure([top]), { name: "@seed/util", version: "1.4.0", dir: newer }].sort(
        (a, b) => compareVersions(a.version, b.version)
      )) {
        await registry.publishTarball(token, packInstalled(pkg, packs))
      }
      expect((await registry.packument("@seed/util"))?.["dist-tags"].latest).toBe("1.4.0")

      const project = join(scratch, "project")
      mkdirSync(project)
      writeFileSync(join(project, "package.json"), JSON.stringify({ name: "p", version: "0.0.0", private: true }))
      writeFileSync(join(project, ".npmrc"), `registry=${registry.url}\n`)
      const npm = spawnSync("npm", ["install", "--no-audit", "--no-fund", "--cache", join(scratch, "cache"), "top"], {
        cwd: project,
        encoding: "utf8",
        // No npm_config_* from a pnpm running this test (it sets npm_config_registry to the public registry).
        env: {
          ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k))),
          npm_config_userconfig: join(scratch, "no-user-npmrc")
        }
      })
      expect(npm.status, `${npm.stdout}${npm.stderr}`).toBe(0)
      const load = (name: string) => readFileSync(join(project, "node_modules", name, "index.js"), "utf8")
      expect(load("top")).toContain("top@0.2.0")
      expect(load("@seed/util")).toContain("@seed/util@1.4.0")
    } finally {
      await registry.stop()
    }
  })
})
