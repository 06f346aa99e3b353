#!/usr/bin/env node
// `npm run build:binary`: the CLI as one self-contained executable (Bun's runtime and every dependency inside), from
// the workspace source with `bun build --compile`. Targets: linux-x64 by default; `--target bun-linux-arm64` etc.
// Output: apps/cli/dist-bin/aliyun-imds[-<target>].
import { spawnSync } from "node:child_process"
import { mkdirSync, readdirSync, readFileSync } from "node:fs"
import { createRequire } from "node:module"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"

const cli = join(dirname(fileURLToPath(import.meta.url)), "..")
const { version } = JSON.parse(readFileSync(join(cli, "package.json"), "utf8"))
const args = process.argv.slice(2)
const targetAt = args.indexOf("--target")
const target = targetAt === -1 ? "bun-linux-x64" : args[targetAt + 1]
const manifest = createRequire(join(cli, "package.json")).resolve("bun/package.json")
const bun = join(dirname(manifest), JSON.parse(readFileSync(manifest, "utf8")).bin.bun)
const out = join(
  cli,
  "dist-bin",
  target === "bun-linux-x64" ? "aliyun-imds" : `aliyun-imds-${target.replace(/^bun-/, "")}`
)
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
    join(cli, "src", "bin.ts"),
    "--outfile",
    out
  ],
  { stdio: "inherit" }
)
if (r.status !== 0) process.exit(r.status ?? 1)
process.stdout.write(`${out}\n`)
