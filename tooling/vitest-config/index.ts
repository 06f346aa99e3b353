// Shared vitest settings: every package's vitest.config.ts spreads this, so test behaviour is set in one place.
import { defineConfig } from "vitest/config"

export const shared = defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 20_000,
    hookTimeout: 20_000,
    reporters: process.env.CI ? ["default"] : ["default"],
    pool: "forks",
    sequence: { concurrent: false }
  }
})
