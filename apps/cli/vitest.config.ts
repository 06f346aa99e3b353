import { shared } from "@aliyun-imds/vitest-config"
import { defineConfig, mergeConfig } from "vitest/config"

// Most CLI tests spawn the CLI several times (about a second each from source, several under a loaded CI machine).
export default mergeConfig(shared, defineConfig({ test: { testTimeout: 60_000, hookTimeout: 60_000 } }))
