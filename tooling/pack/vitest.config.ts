import { shared } from "@aliyun-imds/vitest-config"
import { defineConfig, mergeConfig } from "vitest/config"

// Packing, installing with npm and type-checking in a scratch project take minutes, not seconds.
export default mergeConfig(shared, defineConfig({ test: { testTimeout: 300_000, hookTimeout: 600_000 } }))
