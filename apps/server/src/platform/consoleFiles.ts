// Reads the web console's built files into memory at start-up: from the package's `console/` folder (what npm
// installs), else from the workspace's `apps/console/dist` (a repository checkout). Null when neither exists.
import { readdir, readFile } from "node:fs/promises"
import { join, relative, sep } from "node:path"
import { fileURLToPath } from "node:url"
import type { ConsoleFiles } from "../admin/ConsolePages.ts"

/** src/platform/ and dist/platform/ are both two levels below the package root. */
const candidates = [
  fileURLToPath(new URL("../../console/", import.meta.url)),
  fileURLToPath(new URL("../../../console/dist/", import.meta.url))
]

const walk = async (dir: string): Promise<Array<string>> => {
  const entries = await readdir(dir, { withFileTypes: true })
  const nested = await Promise.all(
    entries.map((e) => (e.isDirectory() ? walk(join(dir, e.name)) : Promise.resolve([join(dir, e.name)])))
  )
  return nested.flat()
}

export const readConsoleFiles = async (dir?: string): Promise<ConsoleFiles | null> => {
  for (const root of dir === undefined ? candidates : [dir]) {
    const paths = await walk(root).catch(() => null)
    if (paths === null || !paths.some((p) => p.endsWith(`${sep}index.html`))) continue
    const files = await Promise.all(
      paths.map(async (p) => [`/${relative(root, p).split(sep).join("/")}`, await readFile(p)] as const)
    )
    return new Map(files.map(([path, bytes]) => [path, new Uint8Array(bytes)]))
  }
  return null
}
