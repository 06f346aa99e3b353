// The slow lane (`pnpm test:slow`): tests too long for every run — the 200-life crash-and-restart loop of --state.
import { shared } from "@aliyun-imds/vitest-config"
import { defineConfig, mergeConfig } from "vitest/config"

export default mergeConfig(shared, defineConfig({ test: { include: ["test/**/*.slow.ts"], testTimeout: 3_600_000 } }))
