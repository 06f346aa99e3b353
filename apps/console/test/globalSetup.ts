// The browser tests drive Debian's chromium through playwright-core (Playwright cannot download its own browsers
// here). Missing, it is installed with apt when running as root (as CI does); otherwise the tests are skipped, saying why.
import { spawnSync } from "node:child_process"
import { existsSync } from "node:fs"
import type { TestProject } from "vitest/node"

declare module "vitest" {
  export interface ProvidedContext {
    /** Why the browser tests cannot run here, or null. */
    browserSkip: string | null
  }
}

export const chromiumPath = "/usr/bin/chromium"

export default function setup(project: TestProject) {
  project.provide("browserSkip", null)
  if (existsSync(chromiumPath)) return
  if (process.getuid?.() !== 0) {
    const reason = `${chromiumPath} is missing and this is not root: install it (apt-get install -y chromium) to run them`
    console.warn(`console browser tests skipped: ${reason}`)
    project.provide("browserSkip", reason)
    return
  }
  console.log("installing chromium with apt-get for the console's browser tests…")
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" }
  const update = spawnSync("apt-get", ["update", "-qq"], { stdio: "inherit", env })
  const install = spawnSync("apt-get", ["install", "-y", "-qq", "chromium"], { stdio: "inherit", env })
  if (update.status !== 0 || install.status !== 0 || !existsSync(chromiumPath)) {
    throw new Error("apt-get could not install chromium for the console's browser tests; see the output above")
  }
}
