#!/usr/bin/env node
// `npm run build:binary`: the CLI as one self-contained executable (Bun's runtime and every dependency inside), from
// the workspace source with `bun build --compile`. Targets: linux-x64 by default; `--target bun-linux-arm64` etc.
// Output: apps/cli/dist-bin/aliyun-imds[-<target>], or `--outfile PATH`. `--from DIR` compiles an installed
// @aliyun-imds/cli (its bundle, dist/bundle/bin.js) instead of the workspace source: the packed-tarball test
// builds the binary from what npm users get.
import { spawnSync } from "node:child_process"
import { mkdirSync, readdirSync, readFileSync } from "node:fs"
import { createRequire } from "node:module"
import { dirname, join, resolve } from "node:path"
import { fileURLToPath } from "node:url"

const workspace = join(dirname(fileURLToPath(import.meta.url)), "..")
const args = process.argv.slice(2)
const option = (name) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined)
const from = option("--from")
const cli = resolve(from ?? workspace)
const entry = from === undefined ? join(cli, "src", "bin.ts") : join(cli, "dist", "bundle", "bin.js")
const { version } = JSON.parse(readFileSync(join(cli, "package.json"), "utf8"))
const target = option("--target") ?? "bun-linux-x64"
const manifest = createRequire(join(workspace, "package.json")).resolve("bun/package.json")
const bun = join(dirname(manifest), JSON.parse(readFileSync(manifest, "utf8")).bin.bun)
const out =
  option("--outfile") ??
  join(workspace, "dist-bin", target === "bun-linux-x64" ? "aliyun-imds" : `aliyun-imds-${target.replace(/^bun-/, "")}`)
// `exec`'s preload runs in the command's own Node, which cannot read files inside the binary: bake in their sources.
const preloadDir = join(cli, "preload")
const preload = Object.fromEntries(
  readdirSync(preloadDir)
    .filter((name) => name.endsWith(".mjs"))
    .map((name) => [name, readFileSync(join(preloadDir, name), "utf8")])
)
mkdirSync(dirname(out), { recursive: true })
const r = spawnSync(
  bun,
  [
    "build",
    "--compile",
    "--minify",
    `--target=${target}`,
    "--define",
    `ALIYUN_IMDS_VERSION=${JSON.stringify(version)}`,
    "--define",
    `ALIYUN_IMDS_PRELOAD=${JSON.stringify(JSON.stringify(preload))}`,
    entry,
    "--outfile",
    out
  ],
  { stdio: "inherit" }
)
if (r.status !== 0) process.exit(r.status ?? 1)
process.stdout.write(`${out}\n`)
