#!/usr/bin/env node
// The `aliyun-imds` command. In the workspace it runs src/bin.ts directly (Node >= 22.18 strips types), so a stale
// build never shadows the source; the published package ships no src and runs dist/bundle/bin.js, which needs the
// Node of its package.json `engines` and refuses an older one with a message saying so. In the workspace on an older
// Node it re-runs itself under the repo's pinned Node (.tooling/node_modules/.bin/node) when that exists, so
// `npx aliyun-imds` works from a Node 20 shell.
import { spawn } from "node:child_process"
import { existsSync, readFileSync } from "node:fs"
import module from "node:module"
import { dirname, join, resolve } from "node:path"
import { fileURLToPath, pathToFileURL } from "node:url"

const here = dirname(fileURLToPath(import.meta.url))
const dist = join(here, "..", "dist", "bundle", "bin.js")
const source = join(here, "..", "src", "bin.ts")
const { engines } = JSON.parse(readFileSync(join(here, "..", "package.json"), "utf8"))
/** [major, minor] of `engines.node` (">=22.12.0"): the oldest Node the published command was tested on. */
const required = (/^>=\s*(\d+)\.(\d+)/.exec(engines?.node ?? "") ?? [0, "0", "0"]).slice(1).map(Number)

const [major, minor] = process.versions.node.split(".").map(Number)
const atLeast = (m, n) => major > m || (major === m && minor >= n)
const built = existsSync(dist)
const hasSource = existsSync(source)
// Bun runs either file itself; Node needs 22.18 to strip the source's types and `engines.node` for the bundle.
const isBun = "Bun" in globalThis
const useSource = hasSource && (isBun || atLeast(22, 18))
const runsHere = useSource || (built && (isBun || atLeast(required[0], required[1])))

/** The repo's pinned Node, looked up from this package towards the root. */
const pinnedNode = () => {
  for (let dir = here; ; dir = dirname(dir)) {
    const candidate = join(dir, ".tooling", "node_modules", ".bin", "node")
    if (existsSync(candidate)) return candidate
    if (dirname(dir) === dir) return null
  }
}

if (runsHere) {
  // Node keeps the compiled code of the CLI and its dependencies on disk (its own cache in the temp directory), so
  // every run after the first starts about a quarter faster. Bun has no such cache and no need of it.
  module.enableCompileCache?.()
  await import(pathToFileURL(useSource ? source : dist).href)
} else {
  const node = hasSource ? pinnedNode() : null
  if (!hasSource) {
    // An npm install: say what to install, nothing about the repository.
    process.stderr.write(
      `aliyun-imds: this version needs Node.js ${required.join(".")} or newer, and this is Node.js ` +
        `${process.versions.node}. Install a newer Node.js (https://nodejs.org) and run aliyun-imds again.\n`
    )
    process.exit(1)
  }
  if (node === null || resolve(node) === resolve(process.execPath)) {
    process.stderr.write(
      `aliyun-imds: in the repository this needs Node >= 22.18 (this is ${process.versions.node}); ` +
        "install a newer Node, or run 'npm start' once in the repo to provision .tooling/\n"
    )
    process.exit(1)
  }
  // Signals are handled before the child exists, so none can end this process and leave the child running.
  let child = null
  for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => child?.kill(signal))
  child = spawn(node, [fileURLToPath(import.meta.url), ...process.argv.slice(2)], { stdio: "inherit" })
  child.on("exit", (code, signal) => process.exit(code ?? (signal === "SIGINT" ? 130 : signal === "SIGTERM" ? 143 : 1)))
}
