// A large fleet: how long the emulator takes to start with N instances from a fleet file, and whether token-GET
// throughput stays within 10% of a one-instance fleet (rounds alternate the two servers; ratio per round, median).
import { mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import type { LoadSpec } from "../load/spec.ts"
import { type Measured, measure } from "../measure.ts"
import type { BenchOptions } from "../options.ts"
import { scenarioById } from "../scenarios.ts"
import { emulatorOn, type Runtime, type Server, startServer } from "../servers.ts"
import { median } from "../stats.ts"

export interface FleetResult {
  readonly runtime: Runtime
  readonly instances: number
  /** Process spawn to listening (module loading, file parse and validation, both listeners). */
  readonly startMs: number
  /** `startServer` alone, inside the process. */
  readonly startServerMs: number
  readonly rps: number
  readonly singleRps: number
  /** Median over rounds of fleet rps ÷ one-instance rps. */
  readonly ratio: number
  readonly errors: number
  readonly loads: ReadonlyArray<Measured>
}

/** Instance i answers peer 127.1.x.y; the last one answers 127.0.0.1, where the load comes from. */
const writeFleet = (dir: string, size: number): string => {
  const instances = Array.from({ length: size }, (_, i) => ({
    sourceAddresses: [i === size - 1 ? "127.0.0.1" : `127.1.${i >> 8}.${i & 255}`]
  }))
  const file = join(dir, `fleet-${size}.json`)
  writeFileSync(file, JSON.stringify({ version: 1, seed: "bench", unmatchedPeers: "refuse", instances }))
  return file
}

export const runFleet = async (options: BenchOptions, runtime: Runtime): Promise<FleetResult> => {
  const dir = mkdtempSync(join(tmpdir(), "imds-fleet-"))
  const servers: Array<Server> = []
  try {
    const file = writeFleet(dir, options.fleetSize)
    const fleet = await startServer(emulatorOn(runtime), ["--config", file])
    servers.push(fleet)
    const single = await startServer(emulatorOn(runtime))
    servers.push(single)
    const scenario = scenarioById("token-get")
    const spec = async (server: Server): Promise<LoadSpec> => ({
      url: server.ready.url,
      connections: options.connections,
      durationSeconds: options.seconds,
      reconnect: false,
      requests: await scenario.prepare(server.ready.url)
    })
    const [fleetSpec, singleSpec] = [await spec(fleet), await spec(single)]
    const pairs: Array<[Measured, Measured]> = []
    for (let round = 0; round < options.rounds; round++) {
      pairs.push([
        await measure(options.generator, fleet, fleetSpec),
        await measure(options.generator, single, singleSpec)
      ])
    }
    return {
      runtime,
      instances: options.fleetSize,
      startMs: fleet.spawnToReadyMs,
      startServerMs: fleet.ready.startupMs ?? Number.NaN,
      rps: median(pairs.map(([f]) => f.requestsPerSecond)),
      singleRps: median(pairs.map(([, s]) => s.requestsPerSecond)),
      ratio: median(pairs.map(([f, s]) => f.requestsPerSecond / s.requestsPerSecond)),
      errors: pairs.reduce((n, [f, s]) => n + f.errors + s.errors, 0),
      loads: pairs.flat()
    }
  } finally {
    await Promise.all(servers.map((s) => s.stop()))
    rmSync(dir, { recursive: true, force: true })
  }
}
