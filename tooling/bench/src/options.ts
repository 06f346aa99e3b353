// Command-line options of `pnpm bench`: the full run (the figures for docs/benchmarks.md) or `--quick`, the
// seconds-long smoke run CI executes; `--only` picks sections while working on one of them.
import { parseArgs } from "node:util"
import { type Generator, pickGenerator } from "./load/generator.ts"

export const sectionNames = ["throughput", "tokens", "fleet", "soak", "slowloris", "client", "coldstart"] as const
export type Section = (typeof sectionNames)[number]

export interface BenchOptions {
  readonly quick: boolean
  readonly sections: ReadonlyArray<Section>
  readonly generator: Generator
  readonly connections: number
  readonly rounds: number
  readonly seconds: number
  readonly warmupSeconds: number
  readonly tokens: number
  readonly tokenWarmup: number
  readonly fleetSize: number
  readonly soakSeconds: number
  readonly soakWarmupSeconds: number
  readonly clientCalls: number
  readonly coldStarts: number
  /** Scenarios also measured with a new connection per request (all of them, or a few in a quick run). */
  readonly newConnectionScenarios: ReadonlyArray<string> | "all"
}

const full = {
  rounds: 5,
  seconds: 5,
  warmupSeconds: 2,
  tokens: 1_000_000,
  tokenWarmup: 100_000,
  fleetSize: 10_000,
  soakSeconds: 60,
  // Node grows its young generation once (~24 MiB, a one-time step) some 10–15 s into the soak; a third of it is warm-up.
  soakWarmupSeconds: 20,
  clientCalls: 1000,
  coldStarts: 3,
  newConnectionScenarios: "all" as ReadonlyArray<string> | "all"
}

const quick: typeof full = {
  rounds: 1,
  seconds: 1,
  warmupSeconds: 1,
  tokens: 20_000,
  tokenWarmup: 5_000,
  fleetSize: 500,
  soakSeconds: 2,
  soakWarmupSeconds: 1,
  clientCalls: 1000,
  coldStarts: 1,
  newConnectionScenarios: ["baseline", "normal-get", "token-put"]
}

export const usage = `usage: pnpm bench [--quick] [--only ${sectionNames.join(",")}] [--generator wrk|autocannon]
                  [--rounds N] [--seconds S]`

const positive = (name: string, raw: string | undefined, fallback: number): number => {
  if (raw === undefined) return fallback
  const n = Number(raw)
  if (!(n > 0)) throw new Error(`--${name} must be a positive number (got ${raw})`)
  return n
}

export const parseOptions = (argv: ReadonlyArray<string>): BenchOptions => {
  const { values } = parseArgs({
    args: argv.filter((a) => a !== "--"),
    strict: true,
    options: {
      quick: { type: "boolean", default: false },
      only: { type: "string" },
      generator: { type: "string" },
      rounds: { type: "string" },
      seconds: { type: "string" }
    }
  })
  const sizes = values.quick ? quick : full
  const sections = values.only === undefined ? sectionNames : values.only.split(",")
  for (const s of sections) {
    if (!(sectionNames as ReadonlyArray<string>).includes(s)) throw new Error(`unknown section ${s}`)
  }
  if (values.generator !== undefined && values.generator !== "wrk" && values.generator !== "autocannon") {
    throw new Error(`--generator must be wrk or autocannon (got ${values.generator})`)
  }
  return {
    ...sizes,
    quick: values.quick,
    sections: sections as ReadonlyArray<Section>,
    generator: pickGenerator(values.generator),
    connections: 64,
    rounds: positive("rounds", values.rounds, sizes.rounds),
    seconds: positive("seconds", values.seconds, sizes.seconds)
  }
}
