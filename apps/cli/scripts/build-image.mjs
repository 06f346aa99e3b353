#!/usr/bin/env node
// `npm run build:image`: the emulator as a FROM-scratch container image. Builds the single-file binary
// (build-binary.mjs), lays out a root file system holding it and every shared library `ldd` says it links (each at
// its own path, the dynamic loader included), puts container/Containerfile beside it, and builds the image with
// podman or docker — offline, nothing is pulled.
//   --context DIR   only prepare the build context in DIR (then: podman build -t aliyun-imds DIR)
//   --binary PATH   use this binary instead of building one
//   --tag NAME      image name (default aliyun-imds:<version>)
//   --engine NAME   podman or docker (default: the first on PATH)
import { execFileSync, spawnSync } from "node:child_process"
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { dirname, join, resolve } from "node:path"
import { fileURLToPath } from "node:url"

const cli = join(dirname(fileURLToPath(import.meta.url)), "..")
const repo = join(cli, "..", "..")
const args = process.argv.slice(2)
const option = (name) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined)
const fail = (message) => {
  process.stderr.write(`build-image: ${message}\n`)
  process.exit(1)
}

const binary =
  option("--binary") ??
  execFileSync(process.execPath, [join(cli, "scripts", "build-binary.mjs")], { encoding: "utf8" })
    .trim()
    .split("\n")
    .at(-1)

/** The absolute paths of the shared libraries `ldd` lists for `file` (the vDSO has none). */
const linkedLibraries = (file) => {
  const r = spawnSync("ldd", [file], { encoding: "utf8" })
  if (r.error !== undefined) fail(`needs ldd (glibc's libc-bin) to list the binary's libraries: ${r.error.message}`)
  if (r.status !== 0) fail(`ldd ${file} failed: ${r.stderr || r.stdout}`)
  return r.stdout.split("\n").flatMap((line) => {
    const path = /(?:=>\s*)?(\/\S+)\s+\(0x/.exec(line)?.[1]
    return path === undefined ? [] : [path]
  })
}

const prepare = (context) => {
  const rootfs = join(context, "rootfs")
  mkdirSync(rootfs, { recursive: true })
  copyFileSync(binary, join(rootfs, "aliyun-imds"))
  chmodSync(join(rootfs, "aliyun-imds"), 0o755)
  // The library's contents at the path the binary asks for (a symlink's target would be a second name to carry).
  for (const library of linkedLibraries(binary)) {
    const at = join(rootfs, library)
    mkdirSync(dirname(at), { recursive: true })
    copyFileSync(library, at)
  }
  mkdirSync(join(rootfs, "tmp"))
  chmodSync(join(rootfs, "tmp"), 0o1777)
  copyFileSync(join(repo, "container", "Containerfile"), join(context, "Containerfile"))
  return context
}

const contextOnly = option("--context")
if (contextOnly !== undefined) {
  process.stdout.write(`${prepare(resolve(contextOnly))}\n`)
  process.exit(0)
}
const onPath = (name) => spawnSync(name, ["--version"], { stdio: "ignore" }).error === undefined
const engine = option("--engine") ?? ["podman", "docker"].find(onPath)
if (engine === undefined)
  fail("needs podman or docker on PATH (or pass --context DIR to only prepare the build context)")
const { version } = JSON.parse(readFileSync(join(cli, "package.json"), "utf8"))
const tag = option("--tag") ?? `aliyun-imds:${version}`
const context = prepare(mkdtempSync(join(tmpdir(), "aliyun-imds-image-")))
try {
  const r = spawnSync(engine, ["build", "-t", tag, "-f", join(context, "Containerfile"), context], { stdio: "inherit" })
  if (r.status !== 0) fail(`${engine} build failed (exit ${r.status ?? r.signal})`)
} finally {
  rmSync(context, { recursive: true, force: true })
}
process.stdout.write(`${tag}\n`)
