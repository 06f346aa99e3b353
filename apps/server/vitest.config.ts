import { shared } from "@aliyun-imds/vitest-config"
import { defineConfig, mergeConfig } from "vitest/config"

// Many server tests start the emulator as a process of its own (Node or Bun): well under a second on a quiet
// machine, many seconds when CI runs every package's suite side by side. These are bounds, never waits.
export default mergeConfig(shared, defineConfig({ test: { testTimeout: 60_000, hookTimeout: 60_000 } }))
