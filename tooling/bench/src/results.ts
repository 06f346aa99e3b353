// Everything one run produced, as written to bench/results/<timestamp>.json.
import type { BenchOptions } from "./options.ts"
import type { ClientResult } from "./sections/client.ts"
import type { ColdStart } from "./sections/coldstart.ts"
import type { FleetResult } from "./sections/fleet.ts"
import type { SlowlorisResult } from "./sections/slowloris.ts"
import type { SoakResult } from "./sections/soak.ts"
import type { Cell } from "./sections/throughput.ts"
import type { TokenMemory } from "./sections/tokens.ts"

export interface Machine {
  readonly cpus: number
  readonly cpuModel: string
  readonly node: string
  readonly bun: string
  readonly generator: string
  readonly pinned: boolean
  readonly loadAverage: ReadonlyArray<number>
}

export interface Results {
  readonly startedAt: string
  readonly durationSeconds: number
  readonly machine: Machine
  readonly options: BenchOptions
  readonly throughput?: ReadonlyArray<Cell>
  readonly tokens?: ReadonlyArray<TokenMemory>
  readonly fleet?: ReadonlyArray<FleetResult>
  readonly soak?: ReadonlyArray<SoakResult>
  readonly slowloris?: ReadonlyArray<SlowlorisResult>
  readonly client?: ClientResult
  readonly coldStart?: ReadonlyArray<ColdStart>
  /** Problems that stopped a section (the run goes on with the others). */
  readonly failures: ReadonlyArray<string>
}
