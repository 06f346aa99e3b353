#!/usr/bin/env node
// The `aliyun-imds` command. In the workspace it runs src/bin.ts directly (Node >= 22.18 strips types), so a stale
// build never shadows the source; the published package ships no src and runs dist/bin.js. On an older Node it re-runs itself under the repo's pinned
// Node (.tooling/node_modules/.bin/node) when that exists, so `npx aliyun-imds` works from a Node 20 shell.
import { spawn } from "node:child_process"
import { existsSync } from "node:fs"
import module from "node:module"
import { dirname, join, resolve } from "node:path"
import { fileURLToPath, pathToFileURL } from "node:url"

const here = dirname(fileURLToPath(import.meta.url))
const dist = join(here, "..", "dist", "bin.js")
const source = join(here, "..", "src", "bin.ts")

const [major, minor] = process.versions.node.split(".").map(Number)
const atLeast = (m, n) => major > m || (major === m && minor >= n)
const built = existsSync(dist)
const hasSource = existsSync(source)
// Bun runs either file itself; Node needs 22.18 to strip the source's types and 22.12 for the build.
const isBun = "Bun" in globalThis
const useSource = hasSource && (isBun || atLeast(22, 18))
const runsHere = useSource || (built && (isBun || atLeast(22, 12)))

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
  const node = pinnedNode()
  if (node === null || resolve(node) === resolve(process.execPath)) {
    process.stderr.write(
      `aliyun-imds: needs Node >= ${hasSource ? "22.18" : "22.12"} (this is ${process.versions.node}); ` +
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
