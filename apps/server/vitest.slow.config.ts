// The slow lane (`pnpm test:slow`): tests too long for every run — the 200-life crash-and-restart loop of --state.
// (Built without mergeConfig, which would add the shared include list to this one instead of replacing it.)
import { shared } from "@aliyun-imds/vitest-config"
import { defineConfig } from "vitest/config"

export default defineConfig({
  ...shared,
  test: { ...shared.test, include: ["test/**/*.slow.ts"], testTimeout: 3_600_000 }
})
