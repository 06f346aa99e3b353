// The CLI's slow lane (`pnpm test:slow`): the container image, built and run with podman.
// (Built without mergeConfig, which would add the shared include list to this one instead of replacing it.)
import { shared } from "@aliyun-imds/vitest-config"
import { defineConfig } from "vitest/config"

export default defineConfig({
  ...shared,
  test: { ...shared.test, include: ["test/**/*.slow.ts"], testTimeout: 600_000, hookTimeout: 900_000 }
})
