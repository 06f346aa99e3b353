// The packages as a new user gets them: packed tarballs installed with npm into a project that already has its own
// Effect (a different patch than the workspace's), then required, imported, type-checked under nodenext, node16 and
// bundler resolution, checked to share that one Effect, the CLI run from node_modules/.bin, and the single-file
// binary compiled from the installed CLI and run alone.
import { spawn } from "node:child_process"
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync
} from "node:fs"
import { tmpdir } from "node:os"
import { dirname, join, resolve } from "node:path"
import { type NodeVersion, nodeBinary, nodeVersions } from "@aliyun-imds/node-versions"
import {
  compareVersions,
  findInstalled,
  installedClosure,
  packInstalled,
  type Registry,
  startRegistry
} from "@aliyun-imds/registry"
import { listening } from "@aliyun-imds/vitest-config/listening"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { attw, pack, publint, publishable, root, run } from "../src/Pack.ts"

const scratch = mkdtempSync(join(tmpdir(), "aliyun-imds-packed-"))
const project = join(scratch, "project")
const tarballs = new Map<string, string>()
/** The oldest Node the packages declare (`engines.node`, the same in every package): the programs run on it too. */
const minimum = JSON.parse(readFileSync(join(root, "packages", "core", "package.json"), "utf8")).engines.node.replace(
  ">=",
  ""
) as NodeVersion
/** The release just below the minimum, on which `require()` must fail: what makes the minimum the true one. */
const below: NodeVersion = "20.18.3"
if (!nodeVersions.includes(minimum)) {
  throw new Error(
    `engines.node is >=${minimum}: add node-${minimum} to tooling/node-versions to run the packages on it`
  )
}
/** The Nodes that run the programs and the CLI: the one running this test, and the minimum. */
const runtimes = [
  [`Node ${process.versions.node}`, process.execPath],
  [`Node ${minimum}`, nodeBinary(minimum)]
] as const
/** The project's own Effect: a compatible patch other than the workspace's 4.1.0, installed before our packages. */
const usersEffect = "4.1.5"

/** The packages' version in this checkout (pnpm pack pins their dependencies on each other to it). */
const ourVersion = (JSON.parse(readFileSync(join(root, "packages", "core", "package.json"), "utf8")) as Manifest)
  .version
/** A throwaway verdaccio on loopback, seeded from this workspace's installed packages: the only registry npm asks. */
let registry: Registry | undefined
const userConfig = join(scratch, "user.npmrc")
/** What commands in the project see: no npm_* settings inherited from pnpm, npm's config and cache in the scratch. */
const projectEnv = (): NodeJS.ProcessEnv => ({
  ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k))),
  npm_config_userconfig: userConfig,
  npm_config_cache: join(scratch, "npm-cache"),
  npm_config_update_notifier: "false"
})

const write = (name: string, text: string) => writeFileSync(join(project, name), text)

/** Runs a command in the scratch project, failing the test with its output when it fails. */
const inProject = (cmd: string, args: ReadonlyArray<string>): string => {
  const r = run(cmd, args, project, projectEnv())
  expect(r.status, r.output).toBe(0)
  return r.output
}

const npmInstall = (specs: ReadonlyArray<string>) =>
  inProject("npm", ["install", "--no-audit", "--no-fund", "--loglevel=error", ...specs])

// What each entry point must offer, required or imported.
const surface = {
  "@aliyun-imds/core": ["TokenSigner", "decodeFleetResult"],
  "@aliyun-imds/core/enumerations": [],
  "@aliyun-imds/admin-api": ["openApiDocument"],
  "@aliyun-imds/client": ["createImdsClient", "makeCredentialsProvider"],
  "@aliyun-imds/client/admin": ["makeAdminClient"],
  "@aliyun-imds/server": ["startServer", "makePipeline"],
  "@aliyun-imds/server/serve-flags": ["serveFlags"],
  "@aliyun-imds/msw": ["createImds"]
} as const

const program = (load: string) => `
const surface = ${JSON.stringify(surface)}
const missing = []
for (const [name, keys] of Object.entries(surface)) {
  const mod = ${load}
  for (const key of keys) if (!(key in mod)) missing.push(name + "#" + key)
}
const { startServer } = ${load.replace("name", '"@aliyun-imds/server"')}
const { createImdsClient } = ${load.replace("name", '"@aliyun-imds/client"')}
const server = await startServer({ port: 0, adminPort: 0, noEcs: true, logLevel: "silent" })
const id = await createImdsClient({ endpoint: server.dataUrl }).instanceId()
await server.stop()
console.log(JSON.stringify({ missing, ok: id === server.defaultInstanceId }))
`

/**
 * The third-party packages the project installs, as this workspace has them: the user's own Effect, TypeScript and
 * Node's types for the type checks, and what our packages depend on or need as peers (msw), Effect aside.
 */
const thirdParty = (): ReadonlyArray<string> => {
  const here = join(root, "tooling", "pack")
  const ours = publishable().flatMap((pkg) => {
    const m = JSON.parse(readFileSync(join(pkg.dir, "package.json"), "utf8")) as Manifest & {
      peerDependenciesMeta?: Record<string, { optional?: boolean }>
    }
    const peers = Object.keys(m.peerDependencies ?? {}).filter(
      (name) => name !== "effect" && m.peerDependenciesMeta?.[name]?.optional !== true
    )
    return [...Object.keys(m.dependencies ?? {}), ...peers]
      .filter((name) => !name.startsWith("@aliyun-imds/"))
      .map((name) => installedAt(name, pkg.dir))
  })
  return [installedAt("users-effect", here), installedAt("typescript", here), installedAt("@types/node", here), ...ours]
}

const installedAt = (name: string, dir: string): string => {
  const at = findInstalled(name, dir)
  if (at === undefined) throw new Error(`${name} is not installed for ${dir}: run pnpm install`)
  return at
}

beforeAll(async () => {
  const packs = join(scratch, "packs")
  mkdirSync(packs)
  mkdirSync(project)
  for (const pkg of publishable()) tarballs.set(pkg.name, pack(pkg, packs))
  mkdirSync(join(scratch, "registry"))
  registry = await startRegistry(join(scratch, "registry"))
  const token = await registry.addUser("pack-test", "throwaway-password")
  const seeded = [...installedClosure(thirdParty())].sort((a, b) => compareVersions(a.version, b.version))
  for (const pkg of seeded) await registry.publishTarball(token, packInstalled(pkg, packs))
  for (const tarball of tarballs.values()) await registry.publishTarball(token, tarball)
  // The registry is the only one npm knows: no user config, no npm_config_* from the pnpm running this test.
  writeFileSync(userConfig, `registry=${registry.url}\n`)
  write("package.json", JSON.stringify({ name: "scratch", private: true, version: "0.0.0" }))
  npmInstall([`effect@${usersEffect}`])
  npmInstall(
    [...tarballs.keys()].map((name) => `${name}@${ourVersion}`).concat("typescript@5.9.3", "@types/node@24.19.2")
  )
})

afterAll(async () => {
  await registry?.stop()
  rmSync(scratch, { recursive: true, force: true })
})

describe("the packed packages", () => {
  it("are clean by publint and arethetypeswrong", () => {
    expect([...tarballs.keys()].sort()).toEqual(
      ["@aliyun-imds/cli", ...Object.keys(surface).filter((n) => n.split("/").length === 2)].sort()
    )
    const findings = [...tarballs].flatMap(([name, t]) =>
      [publint(t), attw(t)].filter((f) => f !== "").map((f) => `${name}:\n${f}`)
    )
    expect(findings).toEqual([])
  })

  it("install from the loopback registry alone: every package in the lockfile came from it", () => {
    const lock = JSON.parse(readFileSync(join(project, "package-lock.json"), "utf8")) as {
      packages: Record<string, { resolved?: string; link?: boolean }>
    }
    const installed = Object.entries(lock.packages).filter(([path]) => path !== "")
    const elsewhere = installed.filter(([, p]) => !p.resolved?.startsWith(registry!.url)).map(([path]) => path)
    expect(elsewhere).toEqual([])
    expect(installed.length).toBeGreaterThan(tarballs.size)
  })

  it("share the project's own Effect: one copy in node_modules", () => {
    expect(effectCopies(join(project, "node_modules"))).toEqual([{ path: "node_modules/effect", version: usersEffect }])
  })

  it("declare honest manifests: engines, repository, dependency ranges, effect as a peer, explicit exports, maps with their sources", () => {
    const problems: Array<string> = []
    for (const name of tarballs.keys()) {
      const dir = join(project, "node_modules", name)
      const m = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as Manifest
      if (m.engines?.node !== `>=${minimum}`) problems.push(`${name}: engines.node ${m.engines?.node}`)
      // Third-party dependencies as caret ranges, so they dedupe with the user's own copies; ours pinned exactly.
      for (const [dep, range] of Object.entries(m.dependencies ?? {})) {
        const wanted = dep.startsWith("@aliyun-imds/") ? ourVersion : /^\^\d+\.\d+\.\d+$/
        if (typeof wanted === "string" ? range !== wanted : !wanted.test(range))
          problems.push(`${name}: ${dep}@${range}`)
      }
      if (m.repository?.url !== "git+https://github.com/aliyun-imds/aliyun-imds.git")
        problems.push(`${name}: repository`)
      if (m.homepage === undefined || m.bugs?.url === undefined) problems.push(`${name}: homepage or bugs`)
      if (Object.keys(m.exports ?? {}).some((k) => k.includes("*"))) problems.push(`${name}: a "*" export`)
      if (m.dependencies?.effect !== undefined) problems.push(`${name}: effect as a dependency`)
      if (name !== "@aliyun-imds/cli" && m.peerDependencies?.effect !== "^4.1.0") problems.push(`${name}: effect peer`)
      if (name === "@aliyun-imds/cli" && Object.keys(m.dependencies ?? {}).length > 0) problems.push(`${name}: deps`)
      for (const map of files(dir).filter((f) => f.endsWith(".map"))) {
        const { sources } = JSON.parse(readFileSync(map, "utf8")) as { sources: ReadonlyArray<string> }
        for (const source of sources) {
          if (!existsSync(resolve(dirname(map), source))) problems.push(`${map}: ${source} is not shipped`)
        }
      }
    }
    expect(problems).toEqual([])
  })

  it.each([
    ["nodenext", { module: "nodenext", moduleResolution: "nodenext" }, ["esm.mts", "cjs.cts"]],
    ["node16", { module: "node16", moduleResolution: "node16" }, ["esm.mts"]],
    ["bundler", { module: "preserve", moduleResolution: "bundler" }, ["esm.mts"]]
  ])("type-check with %s resolution", (name, options, files) => {
    const use = `
const server = await startServer({ port: 0 })
const client = createImdsClient({ endpoint: server.dataUrl })
const id: string = await client.instanceId()
const admin: typeof makeAdminClient = makeAdminClient
export { id, admin }`
    write(
      "esm.mts",
      `import { startServer } from "@aliyun-imds/server"
import { createImdsClient } from "@aliyun-imds/client"
import { makeAdminClient } from "@aliyun-imds/client/admin"
${use}`
    )
    write(
      "cjs.cts",
      `import { startServer } from "@aliyun-imds/server"
import { createImdsClient } from "@aliyun-imds/client"
import { makeAdminClient } from "@aliyun-imds/client/admin"
export const main = async () => {${use.replace(/^export .*$/m, "return { id, admin }")}}`
    )
    const tsconfig = `tsconfig.${name}.json`
    const compilerOptions = { ...options, target: "es2022", strict: true, noEmit: true, types: ["node"] }
    write(tsconfig, JSON.stringify({ compilerOptions, files }))
    inProject(join(project, "node_modules", ".bin", "tsc"), ["-p", tsconfig])
  })
})

describe.each(runtimes)("run by %s, the packages", (_, node) => {
  it("share the project's Effect: its classes match the client's tagged errors", () => {
    write(
      "effect.mjs",
      `import { Data, Effect } from "effect"
import { ImdsClient, NotFound } from "@aliyun-imds/client"
import { startServer } from "@aliyun-imds/server"
const server = await startServer({ port: 0, adminPort: 0, noEcs: true, logLevel: "silent" })
const program = Effect.gen(function* () {
  const imds = yield* ImdsClient
  const id = yield* imds.getText("meta-data/instance-id")
  const missing = yield* imds.getText("meta-data/no-such-key").pipe(
    Effect.as(null),
    Effect.catchTag("NotFound", (e) =>
      Effect.succeed({ tag: e._tag, usersDataError: e instanceof Data.Error, sdkClass: e instanceof NotFound })
    )
  )
  return { ok: id === server.defaultInstanceId, missing }
})
try {
  console.log(JSON.stringify(await Effect.runPromise(program.pipe(Effect.provide(ImdsClient.layer({ endpoint: server.dataUrl }))))))
} finally {
  await server.stop()
}
`
    )
    expect(JSON.parse(inProject(node, ["effect.mjs"]))).toEqual({
      ok: true,
      missing: { tag: "NotFound", usersDataError: true, sdkClass: true }
    })
  })

  it("can be require()d from CommonJS and serve a request", () => {
    write("require.cjs", `(async () => {${program("require(name)")}})()`)
    expect(JSON.parse(inProject(node, ["require.cjs"]))).toEqual({ missing: [], ok: true })
  })

  it("can be imported as ES modules and serve a request", () => {
    write("import.mjs", program("await import(name)"))
    expect(JSON.parse(inProject(node, ["import.mjs"]))).toEqual({ missing: [], ok: true })
  })

  it("install a working aliyun-imds command with its web console", async () => {
    const bin = join(project, "node_modules", "@aliyun-imds", "cli", "bin", "aliyun-imds.js")
    expect(inProject(join(project, "node_modules", ".bin", "aliyun-imds"), ["--version"])).toMatch(/\d+\.\d+\.\d+/)
    const cli = (args: ReadonlyArray<string>) => inProject(node, [bin, ...args])
    const server = spawn(node, [bin, "serve", "--port", "0", "--admin-port", "0", "--no-ecs"], {
      cwd: project,
      stdio: ["ignore", "pipe", "pipe"]
    })
    try {
      const { dataUrl, adminUrl } = await listening(server)
      const id = cli(["get", "meta-data/instance-id", "--endpoint", dataUrl])
      expect(id).toMatch(/^i-[a-z0-9]+$/)
      const page = await fetch(`${adminUrl}/`).then((r) => r.text())
      expect(page).toContain("<title>aliyun-imds console</title>")
    } finally {
      server.kill("SIGTERM")
    }
  })
})

describe(`run by Node ${below}, just below the minimum`, () => {
  const old = nodeBinary(below)

  it("the packages cannot be require()d (no require(esm) before 20.19), which is what sets the minimum", () => {
    write("require.cjs", `(async () => {${program("require(name)")}})()`)
    const r = run(old, ["require.cjs"], project, projectEnv())
    expect(r.status).not.toBe(0)
    expect(r.output).toContain("ERR_REQUIRE_ESM")
  })

  it("the aliyun-imds command refuses it with a message for npm users", () => {
    const bin = join(project, "node_modules", "@aliyun-imds", "cli", "bin", "aliyun-imds.js")
    const r = run(old, [bin, "--version"], project, projectEnv())
    expect(r.status).toBe(1)
    expect(r.output).toBe(
      `aliyun-imds: this version needs Node.js ${minimum.split(".").slice(0, 2).join(".")} or newer, and this is ` +
        `Node.js ${below}. Install a newer Node.js (https://nodejs.org) and run aliyun-imds again.\n`
    )
  })
})

describe("the single-file binary built from the installed CLI", () => {
  it("serves and answers a token PUT and GET, moved to an empty directory with no Node on PATH", async () => {
    const build = join(root, "apps", "cli", "scripts", "build-binary.mjs")
    const cliDir = join(project, "node_modules", "@aliyun-imds", "cli")
    const built = join(scratch, "aliyun-imds-built")
    inProject(process.execPath, [build, "--from", cliDir, "--outfile", built])
    const alone = join(scratch, "alone")
    mkdirSync(alone)
    const binary = join(alone, "aliyun-imds")
    copyFileSync(built, binary)
    rmSync(built)
    const env = { PATH: join(alone, "no-bin"), HOME: alone }
    expect(run(binary, ["--version"], alone, env).output).toMatch(/^aliyun-imds \d+\.\d+\.\d+\n$/)
    const server = spawn(binary, ["serve", "--port", "0", "--admin-port", "0", "--no-ecs"], {
      cwd: alone,
      env,
      stdio: ["ignore", "pipe", "pipe"]
    })
    try {
      const { dataUrl } = await listening(server)
      const curl = (...args: Array<string>) => run("/usr/bin/curl", ["-sf", ...args], alone).output
      const token = curl(
        "-X",
        "PUT",
        "-H",
        "X-aliyun-ecs-metadata-token-ttl-seconds: 60",
        `${dataUrl}/latest/api/token`
      )
      expect(token).toMatch(/^\S{20,}$/)
      const id = curl("-H", `X-aliyun-ecs-metadata-token: ${token}`, `${dataUrl}/latest/meta-data/instance-id`)
      expect(id).toMatch(/^i-[a-z0-9]+$/)
      expect(run(binary, ["get", "meta-data/instance-id", "--endpoint", dataUrl], alone, env).output).toBe(id)
    } finally {
      server.kill("SIGTERM")
    }
  })
})

interface Manifest {
  readonly version: string
  readonly engines?: { node?: string }
  readonly repository?: { url?: string }
  readonly homepage?: string
  readonly bugs?: { url?: string }
  readonly exports?: Record<string, unknown>
  readonly dependencies?: Record<string, string>
  readonly peerDependencies?: Record<string, string>
}

const files = (dir: string): Array<string> =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(join(dir, e.name)) : [join(dir, e.name)]
  )

/** Every installed copy of `effect` under `nodeModules`, nested ones included. */
const effectCopies = (nodeModules: string, base = dirname(nodeModules)): Array<{ path: string; version: string }> =>
  readdirSync(nodeModules, { withFileTypes: true })
    .filter((e) => e.isDirectory() && !e.name.startsWith("."))
    .flatMap((e) =>
      e.name.startsWith("@") ? readdirSync(join(nodeModules, e.name)).map((n) => `${e.name}/${n}`) : [e.name]
    )
    .flatMap((name) => {
      const dir = join(nodeModules, name)
      const own =
        name === "effect"
          ? [
              {
                path: dir.slice(base.length + 1),
                version: (JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as { version: string }).version
              }
            ]
          : []
      const nested = join(dir, "node_modules")
      return [...own, ...(existsSync(nested) ? effectCopies(nested, base) : [])]
    })
