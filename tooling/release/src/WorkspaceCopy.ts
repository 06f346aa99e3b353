// A throwaway copy of the checkout to run `pnpm release` in, since changesets `version` rewrites manifests and
// consumes changesets: the working tree's files (tracked and untracked, not ignored), each package's node_modules
// links copied as links, the root node_modules linked (read-only use), and a git repository of its own for the tags.
import { execFileSync } from "node:child_process"
import { cpSync, existsSync, mkdirSync, readdirSync, symlinkSync, writeFileSync } from "node:fs"
import { dirname, join } from "node:path"

const git = (cwd: string, args: ReadonlyArray<string>): string =>
  execFileSync("git", args, { cwd, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 })

/** `git status --porcelain` of `root`: what the test compares before and after, to prove the checkout untouched. */
export const checkoutStatus = (root: string): string => git(root, ["status", "--porcelain", "--untracked-files=all"])

export const copyWorkspace = (root: string, dest: string): void => {
  const files = git(root, ["ls-files", "-z", "--cached", "--others", "--exclude-standard"])
    .split("\0")
    .filter((f) => f !== "" && f !== ".tooling" && existsSync(join(root, f)))
  for (const file of new Set(files)) {
    mkdirSync(dirname(join(dest, file)), { recursive: true })
    cpSync(join(root, file), join(dest, file), { verbatimSymlinks: true })
  }
  symlinkSync(join(root, "node_modules"), join(dest, "node_modules"))
  for (const group of ["packages", "apps", "tooling"]) {
    for (const name of readdirSync(join(root, group))) {
      const modules = join(root, group, name, "node_modules")
      if (existsSync(modules)) {
        cpSync(modules, join(dest, group, name, "node_modules"), { recursive: true, verbatimSymlinks: true })
      }
    }
  }
  git(dest, ["init", "--quiet", "--initial-branch=main"])
  writeFileSync(join(dest, ".git", "info", "exclude"), "/node_modules\n")
  git(dest, ["add", "--all"])
  const author = ["-c", "user.name=release test", "-c", "user.email=release@test.invalid"]
  git(dest, [...author, "commit", "--quiet", "-m", "copy of the checkout"])
}
