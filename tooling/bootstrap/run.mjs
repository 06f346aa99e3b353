#!/usr/bin/env node
// Provisions the toolchain this repo needs (Node >= 22.12 and pnpm, both from the npm registry, into
// ./.tooling) on a machine that only has Node 20 + npm, installs the workspace, then runs a task.
// Plain ESM that runs on Node 18+: it is the one file executed before the pinned runtime exists.
import { spawnSync } from "node:child_process"
import { createHash } from "node:crypto"
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs"
import { delimiter, dirname, join, resolve } from "node:path"
import { fileURLToPath } from "node:url"

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..")
const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8"))
const nodeVersion = pkg.toolchain.node
const pnpmVersion = pkg.packageManager.replace(/^pnpm@/, "").split("+")[0]
const toolsDir = join(root, ".tooling")
const binDir = join(toolsDir, "node_modules", ".bin")
const stampFile = join(toolsDir, "stamp.json")
const wanted = JSON.stringify({ node: nodeVersion, pnpm: pnpmVersion })

const say = (line) => process.stderr.write(`[aliyun-imds] ${line}\n`)
const fail = (line) => {
  say(`error: ${line}`)
  process.exit(1)
}
const run = (cmd, args, env = process.env) => {
  const r = spawnSync(cmd, args, { cwd: root, stdio: "inherit", env })
  if (r.error) fail(`could not run ${cmd}: ${r.error.message}`)
  return r.status ?? 1
}

function provisionToolchain() {
  if (existsSync(stampFile) && readFileSync(stampFile, "utf8") === wanted && existsSync(join(binDir, "node"))) return
  say(`provisioning node@${nodeVersion} and pnpm@${pnpmVersion} into .tooling/ (first run only)`)
  mkdirSync(toolsDir, { recursive: true })
  writeFileSync(join(toolsDir, "package.json"), JSON.stringify({ private: true, name: "aliyun-imds-tooling" }))
  const npm = process.platform === "win32" ? "npm.cmd" : "npm"
  const status = run(npm, [
    "install",
    "--prefix",
    toolsDir,
    "--no-save",
    "--no-package-lock",
    "--no-audit",
    "--no-fund",
    "--loglevel=error",
    `node@${nodeVersion}`,
    `pnpm@${pnpmVersion}`
  ])
  if (status !== 0) fail("npm could not install the toolchain; check access to the npm registry and retry")
  writeFileSync(stampFile, wanted)
}

const toolEnv = () => ({
  ...process.env,
  PATH: `${binDir}${delimiter}${process.env.PATH ?? ""}`,
  COREPACK_ENABLE_STRICT: "0",
  npm_config_update_notifier: "false"
})

/** A digest of everything that decides the installed tree: the lockfile and every workspace manifest. */
function manifestDigest() {
  const hash = createHash("sha256")
  const files = ["pnpm-lock.yaml", "pnpm-workspace.yaml", "package.json"]
  for (const group of ["packages", "apps", "tooling"]) {
    const dir = join(root, group)
    if (!existsSync(dir)) continue
    for (const name of readdirSync(dir).sort()) files.push(join(group, name, "package.json"))
  }
  for (const file of files) {
    const path = join(root, file)
    if (existsSync(path)) hash.update(file).update(readFileSync(path))
  }
  return hash.update(wanted).digest("hex")
}

function installWorkspace(env) {
  const stamp = join(root, "node_modules", ".aliyun-imds-install")
  const digest = manifestDigest()
  if (existsSync(stamp) && readFileSync(stamp, "utf8") === digest) return
  const args = ["install", "--frozen-lockfile", "--prefer-offline", "--reporter=append-only"]
  if (run(join(binDir, "pnpm"), args, env) !== 0) fail("pnpm install failed; see the output above")
  writeFileSync(stamp, digest)
}

const tasks = {
  test: ["turbo", "run", "lint", "typecheck", "test", "--continue", "--output-logs=errors-only"],
  start: ["exec", "aliyun-imds", "serve"],
  build: ["turbo", "run", "build"],
  "build-binary": ["--filter", "@aliyun-imds/cli", "run", "build:binary"],
  "build-image": ["--filter", "@aliyun-imds/cli", "run", "build:image"],
  bench: ["--filter", "@aliyun-imds/bench", "run", "bench"]
}

// The package each task runs in, when it is not the whole workspace.
const owners = { start: "apps/cli", bench: "tooling/bench" }

const [task = "test", ...rest] = process.argv.slice(2)
const base = tasks[task]
if (!base) fail(`unknown task "${task}"; expected one of: ${Object.keys(tasks).join(", ")}`)
if (owners[task] && !existsSync(join(root, owners[task], "package.json"))) {
  fail(`"npm ${task}" needs ${owners[task]}, which is not in this checkout yet`)
}
provisionToolchain()
const env = toolEnv()
installWorkspace(env)
const args = rest[0] === "--" ? rest.slice(1) : rest
const extra = args
// `npm start` serves the web console: build it first (turbo replays it from its cache when nothing changed).
if (task === "start" && existsSync(join(root, "apps/console/package.json"))) {
  const built = run(
    join(binDir, "pnpm"),
    ["turbo", "run", "build", "--filter=@aliyun-imds/console", "--output-logs=errors-only"],
    env
  )
  if (built !== 0) fail("building the web console failed; see the output above")
}
const status = run(join(binDir, "pnpm"), [...base, ...extra], env)
// The test run's slow lane once the rest is green: mutation testing of the access rules (incremental against the
// committed results, so an unchanged tree re-tests almost nothing), the long crash-and-restart loop of --state
// (`pnpm test:slow`), then the benchmark smoke run, which fails only on errors or crashes, never on a target.
if (status === 0 && task === "test") {
  const mutation = run(join(binDir, "pnpm"), ["test:mutation"], env)
  if (mutation !== 0) process.exit(mutation)
  const slow = run(join(binDir, "pnpm"), ["test:slow"], env)
  if (slow !== 0) process.exit(slow)
  if (existsSync(join(root, owners.bench, "package.json"))) {
    process.exit(run(join(binDir, "pnpm"), [...tasks.bench, "--quick"], env))
  }
}
process.exit(status)
