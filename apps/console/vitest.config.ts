import { shared } from "@aliyun-imds/vitest-config"
import { defineConfig, mergeConfig } from "vitest/config"

export default mergeConfig(
  shared,
  defineConfig({
    test: { globalSetup: ["test/globalSetup.ts"], testTimeout: 60_000, hookTimeout: 180_000, fileParallelism: false }
  })
)
