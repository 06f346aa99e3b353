// The slow lane (`pnpm test:slow`): the release round trip through a local registry takes minutes.
// (Built without mergeConfig, which would add the shared include list to this one instead of replacing it.)
import { shared } from "@aliyun-imds/vitest-config"
import { defineConfig } from "vitest/config"

export default defineConfig({
  ...shared,
  test: { ...shared.test, include: ["test/**/*.slow.ts"], testTimeout: 900_000, hookTimeout: 300_000 }
})
