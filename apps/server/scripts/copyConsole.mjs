// Copies the built web console (apps/console/dist) into this package's console/ folder, which its npm tarball
// ships and the admin listener serves at `/`. turbo builds the console first (turbo.json).
import { cpSync, existsSync, rmSync } from "node:fs"

const from = new URL("../../console/dist/", import.meta.url)
const to = new URL("../console/", import.meta.url)
if (!existsSync(new URL("index.html", from))) {
  console.error("apps/console/dist is missing: run `pnpm --filter @aliyun-imds/console build` first")
  process.exit(1)
}
rmSync(to, { recursive: true, force: true })
cpSync(from, to, { recursive: true })
