// The core's tests as mutation testing runs them (tooling/mutation): every example test. The property tests repeat
// what the examples pin at hundreds of runs each, and the public-surface test only imports every module (so it
// "covers" every static mutant without judging any): with them each mutant would cost minutes, not seconds.
import { shared } from "@aliyun-imds/vitest-config"
import { defineConfig, mergeConfig } from "vitest/config"

export default mergeConfig(
  shared,
  defineConfig({
    test: { exclude: ["test/**/*.property.test.ts", "test/PublicSurface.test.ts", "**/node_modules/**"] }
  })
)
