// The release pipeline end to end: `pnpm release` run for real, in a copy of this checkout, against a verdaccio on
// loopback; then a fresh project installs @aliyun-imds/cli from it with npm and serves and queries a fleet.
// Nothing else is contacted: verdaccio has no uplinks, the project's .npmrc points every package at it, and the CLI is
// one bundle with no dependencies.
import { type ChildProcess, spawn, spawnSync } from "node:child_process"
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join, resolve } from "node:path"
import { fileURLToPath } from "node:url"
import { type Registry, startRegistry } from "@aliyun-imds/registry"
import { listening } from "@aliyun-imds/vitest-config/listening"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { checkoutStatus, copyWorkspace } from "../src/WorkspaceCopy.ts"

const root = resolve(fileURLToPath(new URL("../../..", import.meta.url)))
const scratch = mkdtempSync(join(tmpdir(), "aliyun-imds-release-"))
const repo = join(scratch, "repo")
const project = join(scratch, "project")
const published = ["admin-api", "cli", "client", "core", "msw", "server"].map((n) => `@aliyun-imds/${n}`)
const manifest = (path: string) => JSON.parse(readFileSync(path, "utf8")) as { version: string }
const startVersion = manifest(join(root, "apps/cli/package.json")).version
let registry: Registry | undefined
let statusBefore = ""
let released = ""

/** The environment of a child: no npm_* variables inherited from the pnpm running this test, plus `extra`. */
const cleanEnv = (extra: Record<string, string>): NodeJS.ProcessEnv => ({
  ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k))),
  npm_config_update_notifier: "false",
  ...extra
})

const run = (cmd: string, args: ReadonlyArray<string>, cwd: string, env: NodeJS.ProcessEnv) => {
  const r = spawnSync(cmd, args, { cwd, env, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 })
  const output = `${r.stdout ?? ""}${r.stderr ?? ""}${r.error ? String(r.error) : ""}`
  expect(r.status, `${cmd} ${args.join(" ")} failed:\n${output}`).toBe(0)
  return output
}

beforeAll(async () => {
  statusBefore = checkoutStatus(root)
  copyWorkspace(root, repo)
  mkdirSync(join(scratch, "registry"))
  registry = await startRegistry(join(scratch, "registry"))
})

afterAll(async () => {
  await registry?.stop()
  rmSync(scratch, { recursive: true, force: true })
})

describe("pnpm release", () => {
  it("versions, builds and publishes every package to the registry, leaving the checkout untouched", async () => {
    const url = registry!.url
    const host = url.replace(/^http:/, "")
    const token = await registry!.addUser("release-test", "throwaway-password")
    const npmrc = join(scratch, "publisher.npmrc")
    writeFileSync(npmrc, `registry=${url}\n@aliyun-imds:registry=${url}\n${host}:_authToken=${token}\n`)
    const started = Date.now()
    const output = run("pnpm", ["release"], repo, cleanEnv({ NPM_CONFIG_USERCONFIG: npmrc, npm_config_registry: url }))
    process.stderr.write(`release: pnpm release took ${((Date.now() - started) / 1000).toFixed(1)} s\n`)

    released = manifest(join(repo, "apps/cli/package.json")).version
    // The first release is 0.1.0: the packages sit at 0.0.0 until then, and the pending changesets are minor bumps.
    if (startVersion === "0.0.0") expect(released).toBe("0.1.0")
    expect(readdirSync(join(repo, ".changeset")).sort()).toEqual(["README.md", "config.json"])
    for (const name of published) {
      expect(output).toContain(`New tag: ${name}@${released}`)
      const doc = await registry!.packument(name)
      expect(doc?.["dist-tags"].latest, name).toBe(released)
      const shipped = doc!.versions[released]!
      expect(JSON.stringify(shipped.exports ?? {}), name).not.toContain("./src/")
      for (const [dep, range] of Object.entries(shipped.dependencies ?? {})) {
        expect(range, `${name} -> ${dep}`).not.toMatch(/^workspace:/)
        if (dep.startsWith("@aliyun-imds/")) expect(range, `${name} -> ${dep}`).toBe(released)
      }
    }
    const tags = spawnSync("git", ["tag", "--list"], { cwd: repo, encoding: "utf8" }).stdout
    expect(tags).toContain(`@aliyun-imds/cli@${released}`)
    expect(checkoutStatus(root)).toBe(statusBefore)
  })

  it("gives npm users an aliyun-imds command that serves and answers a get", async () => {
    expect(released, "the release test above did not publish").not.toBe("")
    mkdirSync(project)
    writeFileSync(join(project, "package.json"), JSON.stringify({ name: "user-project", private: true }))
    // The local registry for everything: the CLI is one bundle with no dependencies, so the install needs nothing
    // from any other registry, and would fail if it did.
    writeFileSync(join(project, ".npmrc"), `registry=${registry!.url}\n`)
    writeFileSync(join(project, "fleet.yaml"), "version: 1\ninstances:\n  - instanceId: i-release0check\n")
    // The same registry for a global install, which reads the user's config rather than the project's; the global
    // prefix is in the scratch directory.
    const userConfig = join(scratch, "user.npmrc")
    writeFileSync(userConfig, `registry=${registry!.url}\n`)
    const prefix = join(scratch, "global")
    const env = cleanEnv({ npm_config_userconfig: userConfig, npm_config_prefix: prefix })
    // The CLI README's install line, run as written: `npm install -g …  # or per project: npm i -D … && npx …`.
    const line = readFileSync(join(root, "apps", "cli", "README.md"), "utf8")
      .split("\n")
      .find((l) => l.startsWith("npm install -g @aliyun-imds/cli"))
    const [global, perProject] = (line ?? "").split(/\s+# or per project: /)
    expect(perProject, "the CLI README shows a global and a per-project install").toBeDefined()
    const started = Date.now()
    run("sh", ["-c", global!], project, env)
    const help = run("sh", ["-c", perProject!], project, env)
    process.stderr.write(`release: the README's two installs took ${((Date.now() - started) / 1000).toFixed(1)} s\n`)
    expect(help).toContain("aliyun-imds")
    expect(help).toMatch(/serve/)
    expect(run(join(prefix, "bin", "aliyun-imds"), ["--version"], project, env).trim()).toBe(`aliyun-imds ${released}`)

    // Every @aliyun-imds package installed is the tarball this registry holds (npm records its integrity).
    const lock = JSON.parse(readFileSync(join(project, "package-lock.json"), "utf8")) as {
      packages: Record<string, { version?: string; integrity?: string }>
    }
    const ours = Object.entries(lock.packages).filter(([path]) => /node_modules\/@aliyun-imds\/[^/]+$/.test(path))
    expect(Object.keys(lock.packages).filter((path) => path !== "")).toEqual(["node_modules/@aliyun-imds/cli"])
    for (const [path, entry] of ours) {
      const name = path.replace(/^.*node_modules\//, "")
      const doc = await registry!.packument(name)
      expect(entry.version, path).toBe(released)
      expect(entry.integrity, path).toBe(doc?.versions[released]?.dist.integrity)
    }

    const cli = join(project, "node_modules", ".bin", "aliyun-imds")
    const args = ["serve", "--port", "0", "--admin-port", "0", "--no-ecs", "--config", "fleet.yaml"]
    const server = spawn(cli, args, { cwd: project, env, stdio: ["ignore", "pipe", "pipe"] })
    try {
      const { dataUrl } = await listening(server)
      const id = run(cli, ["get", "meta-data/instance-id", "--endpoint", dataUrl], project, env)
      expect(id.trim()).toBe("i-release0check")
    } finally {
      await stopped(server)
    }
  })
})

/** SIGTERM, then the exit, so nothing of the project is still running when its directory is removed. */
const stopped = (child: ChildProcess): Promise<void> =>
  new Promise((done) => {
    if (child.exitCode !== null || child.signalCode !== null) return done()
    child.once("exit", () => done())
    child.kill("SIGTERM")
  })
