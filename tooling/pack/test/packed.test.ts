// The packages as a new user gets them: packed tarballs installed with npm into a project that already has its own
// Effect (a different patch than the workspace's), then required, imported, type-checked under nodenext, node16 and
// bundler resolution, checked to share that one Effect, the CLI run from node_modules/.bin, and the single-file
// binary compiled from the installed CLI and run alone.
import { spawn } from "node:child_process"
import {
  copyFileSync,
  cpSync,
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
import { listening } from "@aliyun-imds/vitest-config/listening"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { attw, pack, publint, publishable, root, run } from "../src/Pack.ts"

const scratch = mkdtempSync(join(tmpdir(), "aliyun-imds-packed-"))
const project = join(scratch, "project")
const tarballs = new Map<string, string>()
/**
 * The Node that runs the programs and the CLI: this one, or PACK_NODE (a path), which is how `engines.node` was found:
 * `npm i node@20.19.0` in a temp directory, then `PACK_NODE=<dir>/node_modules/.bin/node pnpm --filter
 * @aliyun-imds/pack test` (docs/packages.md).
 */
const node = process.env.PACK_NODE ?? process.execPath
/** The project's own Effect: a compatible patch other than the workspace's 4.1.0, installed before our packages. */
const usersEffect = "4.1.5"

const write = (name: string, text: string) => writeFileSync(join(project, name), text)

/** Runs a command in the scratch project, failing the test with its output when it fails. */
const inProject = (cmd: string, args: ReadonlyArray<string>): string => {
  const r = run(cmd, args, project)
  expect(r.status, r.output).toBe(0)
  return r.output
}

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

beforeAll(() => {
  const packs = join(scratch, "packs")
  mkdirSync(packs)
  mkdirSync(project)
  for (const pkg of publishable()) tarballs.set(pkg.name, pack(pkg, packs))
  write("package.json", JSON.stringify({ name: "scratch", private: true, version: "0.0.0" }))
  inProject("npm", [
    "install",
    "--no-audit",
    "--no-fund",
    "--prefer-offline",
    "--loglevel=error",
    `effect@${usersEffect}`
  ])
  // All tarballs in one install, so each @aliyun-imds dependency is satisfied by its tarball. npm still asks for their
  // manifests: the scope points at a closed loopback port and is not retried, so no registry is ever asked for them.
  inProject("npm", [
    "install",
    "--no-audit",
    "--no-fund",
    "--prefer-offline",
    "--loglevel=error",
    "--fetch-retries=0",
    "--@aliyun-imds:registry=http://127.0.0.1:9/",
    ...tarballs.values(),
    "typescript@5.9.3",
    "@types/node@24.19.2"
  ])
})

afterAll(() => rmSync(scratch, { recursive: true, force: true }))

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

  it("share the project's own Effect: one copy, whose classes match the client's tagged errors", () => {
    const copies = effectCopies(join(project, "node_modules"))
    expect(copies).toEqual([{ path: "node_modules/effect", version: usersEffect }])
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

  it("declare honest manifests: engines, repository, effect as a peer, explicit exports, maps with their sources", () => {
    const problems: Array<string> = []
    for (const name of tarballs.keys()) {
      const dir = join(project, "node_modules", name)
      const m = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as Manifest
      if (!/^>=\d+\.\d+\.\d+$/.test(m.engines?.node ?? "")) problems.push(`${name}: engines.node ${m.engines?.node}`)
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

  it("can be require()d from CommonJS and serve a request", () => {
    write("require.cjs", `(async () => {${program("require(name)")}})()`)
    expect(JSON.parse(inProject(node, ["require.cjs"]))).toEqual({ missing: [], ok: true })
  })

  it("can be imported as ES modules and serve a request", () => {
    write("import.mjs", program("await import(name)"))
    expect(JSON.parse(inProject(node, ["import.mjs"]))).toEqual({ missing: [], ok: true })
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

  it("install an aliyun-imds command that refuses a Node older than its engines with a message for npm users", () => {
    // The same package with a minimum no Node meets: what a user on too old a Node sees.
    const copy = join(scratch, "cli-copy")
    cpSync(join(project, "node_modules", "@aliyun-imds", "cli"), copy, { recursive: true })
    const manifest = JSON.parse(readFileSync(join(copy, "package.json"), "utf8")) as Manifest
    writeFileSync(join(copy, "package.json"), JSON.stringify({ ...manifest, engines: { node: ">=99.1.0" } }))
    const r = run(node, [join(copy, "bin", "aliyun-imds.js"), "--version"], project)
    expect(r.status).toBe(1)
    expect(r.output).toBe(
      `aliyun-imds: this version needs Node.js 99.1 or newer, and this is Node.js ${version(node)}. ` +
        "Install a newer Node.js (https://nodejs.org) and run aliyun-imds again.\n"
    )
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

const version = (executable: string): string => run(executable, ["-p", "process.versions.node"], root).output.trim()

interface Manifest {
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
