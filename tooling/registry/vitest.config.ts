import { shared } from "@aliyun-imds/vitest-config"
import { defineConfig, mergeConfig } from "vitest/config"

export default mergeConfig(shared, defineConfig({}))
