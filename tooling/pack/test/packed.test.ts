// The packages as a new user gets them: packed tarballs installed with npm into an empty project, then required,
// imported, type-checked under nodenext, node16 and bundler resolution, the CLI run from node_modules/.bin, and the
// single-file binary compiled from the installed CLI and run alone.
import { type ChildProcess, spawn } from "node:child_process"
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { attw, pack, publint, publishable, root, run } from "../src/Pack.ts"

const scratch = mkdtempSync(join(tmpdir(), "aliyun-imds-packed-"))
const project = join(scratch, "project")
const tarballs = new Map<string, string>()

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
  "@aliyun-imds/cli": [],
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
      Object.keys(surface)
        .filter((n) => n.split("/").length === 2)
        .sort()
    )
    const findings = [...tarballs].flatMap(([name, t]) =>
      [publint(t), attw(t)].filter((f) => f !== "").map((f) => `${name}:\n${f}`)
    )
    expect(findings).toEqual([])
  })

  it("can be require()d from CommonJS and serve a request", () => {
    write("require.cjs", `(async () => {${program("require(name)")}})()`)
    expect(JSON.parse(inProject(process.execPath, ["require.cjs"]))).toEqual({ missing: [], ok: true })
  })

  it("can be imported as ES modules and serve a request", () => {
    write("import.mjs", program("await import(name)"))
    expect(JSON.parse(inProject(process.execPath, ["import.mjs"]))).toEqual({ missing: [], ok: true })
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

  it("install a working aliyun-imds command", async () => {
    const cli = join(project, "node_modules", ".bin", "aliyun-imds")
    expect(inProject(cli, ["--version"])).toMatch(/\d+\.\d+\.\d+/)
    const server = spawn(cli, ["serve", "--port", "0", "--admin-port", "0", "--no-ecs"], {
      cwd: project,
      stdio: ["ignore", "pipe", "pipe"]
    })
    try {
      const dataUrl = await listening(server)
      const id = inProject(cli, ["get", "meta-data/instance-id", "--endpoint", dataUrl])
      expect(id).toMatch(/^i-[a-z0-9]+$/)
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
      const dataUrl = await listening(server)
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

/** The metadata URL a `serve` process logs once it listens. */
const listening = (child: ChildProcess): Promise<string> =>
  new Promise((resolve, reject) => {
    let seen = ""
    child.stderr?.setEncoding("utf8").on("data", (chunk: string) => {
      seen += chunk
      const url = /"dataUrl":"([^"]+)"/.exec(seen)?.[1]
      if (url !== undefined) resolve(url)
    })
    child.once("exit", (code) => reject(new Error(`serve exited with ${code}:\n${seen}`)))
  })
