// The packages as npm users get them: every publishable workspace package packed with pnpm (publishConfig applied,
// workspace versions pinned), then checked with publint and arethetypeswrong. The packed-tarball test and
// `pnpm --filter @aliyun-imds/pack check` both start here.
import { spawnSync } from "node:child_process"
import { readdirSync, readFileSync } from "node:fs"
import { join, resolve } from "node:path"
import { fileURLToPath } from "node:url"

export const root = resolve(fileURLToPath(new URL("../../..", import.meta.url)))

export interface Publishable {
  readonly name: string
  readonly dir: string
}

/** Every workspace package that is not private, in dependency order (packages before apps). */
export const publishable = (): ReadonlyArray<Publishable> =>
  ["packages", "apps"].flatMap((group) =>
    readdirSync(join(root, group), { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .map((d) => join(root, group, d.name))
      .flatMap((dir) => {
        const manifest = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as {
          name: string
          private?: boolean
        }
        return manifest.private === true ? [] : [{ name: manifest.name, dir }]
      })
  )

export interface Run {
  readonly status: number | null
  readonly output: string
}

export const run = (
  cmd: string,
  args: ReadonlyArray<string>,
  cwd: string,
  env: NodeJS.ProcessEnv = process.env
): Run => {
  const r = spawnSync(cmd, args, { cwd, env, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 })
  return { status: r.status, output: `${r.stdout ?? ""}${r.stderr ?? ""}${r.error ? String(r.error) : ""}` }
}

const must = (what: string, r: Run): string => {
  if (r.status !== 0) throw new Error(`${what} failed (exit ${r.status}):\n${r.output}`)
  return r.output
}

/** Packs `pkg` into `dest` and returns the tarball's path. Needs its dist/ built (`pnpm turbo run build`). */
export const pack = (pkg: Publishable, dest: string): string => {
  const out = must(`pnpm pack ${pkg.name}`, run("pnpm", ["pack", "--pack-destination", dest], pkg.dir))
  const tarball = out
    .trim()
    .split("\n")
    .findLast((line) => line.endsWith(".tgz"))
  if (tarball === undefined) throw new Error(`pnpm pack ${pkg.name} named no tarball:\n${out}`)
  return resolve(pkg.dir, tarball.trim())
}

const bin = (name: string) => join(root, "tooling", "pack", "node_modules", ".bin", name)

/** publint's findings for a packed tarball; empty when it has none. */
export const publint = (tarball: string): string => {
  const r = run(bin("publint"), ["run", tarball, "--strict"], root)
  return r.status === 0 && /All good!/.test(r.output) ? "" : r.output
}

/**
 * arethetypeswrong's findings. The packages are ES modules only: `require()` loads them on Node >= 20.19
 * (require(esm)) and in TypeScript's `nodenext`, so the esm-only profile (no node10, no "CJS resolves to ESM") applies.
 * A package with no entry points to import (a command only) has nothing to check.
 */
export const attw = (tarball: string): string => {
  // A package that is only a command (the CLI: a `bin`, no `exports`, `main` or `types`) has no types to check.
  const manifest = JSON.parse(must(`reading ${tarball}`, run("tar", ["-xzOf", tarball, "package/package.json"], root)))
  if (!["exports", "main", "module", "types"].some((key) => key in manifest)) return ""
  const r = run(bin("attw"), [tarball, "--profile", "esm-only", "--format", "ascii"], root)
  return r.status === 0 ? "" : r.output
}
