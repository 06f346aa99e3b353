// What mutation testing covers: the modules that decide access and tokens. The one list to edit when they move.
export interface Target {
  readonly name: string
  /** The package whose tests kill the mutants, relative to the repository root. */
  readonly dir: string
  /** Files to mutate, relative to `dir`. */
  readonly mutate: ReadonlyArray<string>
  /** The vitest config to run, inside `dir` (Stryker runs the tests in a copy of that package). */
  readonly vitestConfig: string
}

export const targets: ReadonlyArray<Target> = [
  {
    name: "core",
    dir: "packages/core",
    mutate: [
      "src/access/AccessPolicy.ts",
      "src/token/Token.ts",
      "src/token/TokenCodec.ts",
      "src/token/TokenMac.ts",
      "src/token/TokenCache.ts",
      "src/fleet/FleetBinding.ts",
      "src/fleet/BindingRule.ts",
      "src/fleet/IpAddress.ts",
      "src/access/Throttle.ts"
    ],
    vitestConfig: "vitest.mutation.config.ts"
  },
  {
    name: "server",
    dir: "apps/server",
    mutate: ["src/data/Pipeline.ts", "src/data/RequestTarget.ts", "src/platform/nodeTarget.ts"],
    vitestConfig: "vitest.mutation.config.ts"
  }
]

/** The least mutation score, per file, that the run accepts. */
export const threshold = 90
