// `pnpm release`: versions every published package from the pending changesets, builds them, publishes them with
// `pnpm publish -r` (which applies publishConfig and turns workspace:* into the versions just set) and tags the
// release. The registry, its token and provenance come from the environment (.npmrc, NPM_CONFIG_*), never from here.
import { spawnSync } from "node:child_process"
import { existsSync, readFileSync, rmSync } from "node:fs"
import { join, resolve } from "node:path"
import { fileURLToPath } from "node:url"

const root = resolve(fileURLToPath(new URL("../../..", import.meta.url)))
const summaryFile = join(root, "pnpm-publish-summary.json")

const step = (what: string, args: ReadonlyArray<string>, env: NodeJS.ProcessEnv = process.env): void => {
  process.stderr.write(`[release] ${what}: pnpm ${args.join(" ")}\n`)
  const r = spawnSync("pnpm", args, { cwd: root, env, stdio: "inherit" })
  if (r.error !== undefined) fail(`${what}: could not run pnpm: ${r.error.message}`)
  if (r.status !== 0) fail(`${what} failed (exit ${r.status}); see the output above`)
}

const fail = (message: string): never => {
  process.stderr.write(`[release] error: ${message}\n`)
  process.exit(1)
}

interface Summary {
  readonly publishedPackages: ReadonlyArray<{ readonly name: string; readonly version: string }>
}

// Arguments after `pnpm release` go to `pnpm publish` (e.g. `--dry-run`, `--tag next`).
const publishArgs = process.argv.slice(2)

// With no pending changeset this is a no-op, so CI can run the whole command after the "Version Packages" PR merges.
step("version", ["exec", "changeset", "version"])
// --force: build every dist/ afresh (each build empties it first), never restored over stale files from the cache.
step("build", ["turbo", "run", "build", "--force", "--output-logs=errors-only"])
rmSync(summaryFile, { force: true })
// The packages' prepack guard lets pnpm publish through only with this variable (tooling/release/src/guard.mjs).
step("publish", ["publish", "-r", "--no-git-checks", "--report-summary", ...publishArgs], {
  ...process.env,
  ALIYUN_IMDS_RELEASE: "1"
})
const summary: Summary = existsSync(summaryFile)
  ? (JSON.parse(readFileSync(summaryFile, "utf8")) as Summary)
  : { publishedPackages: [] }
rmSync(summaryFile, { force: true })
if (summary.publishedPackages.length === 0) {
  process.stderr.write("[release] nothing new to publish: every version is already on the registry\n")
} else {
  // changesets/action reads these lines to create the GitHub releases; `changeset tag` makes the git tags it pushes.
  for (const { name, version } of summary.publishedPackages) process.stdout.write(`New tag: ${name}@${version}\n`)
  if (!publishArgs.includes("--dry-run")) step("tag", ["exec", "changeset", "tag"])
}
