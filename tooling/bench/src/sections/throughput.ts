// Throughput and latency of every scenario, keep-alive and new-connection, on the emulator under Node and Bun,
// against the raw node:http and Bun.serve baselines (and Hono alone, for reference) measured in the same rounds. Rounds interleave all servers, so
// machine noise hits every figure alike; the ratio to raw node:http is taken per round, then the median. The normal
// GET also runs on an emulator with process attribution off, beside the default one (attribution on for token-less
// requests), so the cost of attribution is a ratio of two servers in the same rounds.
import type { LoadSpec, RequestSpec } from "../load/spec.ts"
import { type Measured, measure } from "../measure.ts"
import type { BenchOptions } from "../options.ts"
import { scenarios } from "../scenarios.ts"
import { attributionOff, type Server, type ServerKind, startServer } from "../servers.ts"
import { median, sum } from "../stats.ts"

export type Connection = "keep-alive" | "new"
export const connectionModes: ReadonlyArray<Connection> = ["keep-alive", "new"]

export interface Cell {
  readonly server: ServerKind
  /** A scenario id, or `baseline` for the raw servers' and Hono's 10-byte reply. */
  readonly scenario: string
  readonly connection: Connection
  readonly rounds: ReadonlyArray<Measured>
  readonly rps: number
  readonly p50Ms: number
  readonly p99Ms: number
  readonly errors: number
  readonly cpuCores: number
  readonly rssMiB: number
  /** Median over the clean rounds of rps ÷ raw node:http rps (same round, same connection mode). */
  readonly ratio: number
  /** Rounds the ratio used: keep-alive rounds where this server or raw node:http got less than 0.9 of a core
   * (another job had it) are left out, unless every round was. */
  readonly cleanRounds: number
}

/** A saturating keep-alive run keeps a server on a full core; less means the machine, not the server, set the pace. */
const starved = (m: Measured) => m.cpuCores < 0.9

interface Plan {
  readonly server: Server
  readonly scenario: string
  readonly requests: ReadonlyArray<RequestSpec>
}

const baseline: ReadonlyArray<RequestSpec> = [{ method: "GET", path: "/", headers: {} }]

/** The scenario measured with attribution on and off: a token-less read, which the default policy attributes. */
export const attributedScenario = "normal-get"

const plansFor = async (server: Server): Promise<ReadonlyArray<Plan>> => {
  if (!server.kind.startsWith("emulator")) return [{ server, scenario: "baseline", requests: baseline }]
  const plans: Array<Plan> = []
  const measured = attributionOff(server.kind) ? scenarios.filter((s) => s.id === attributedScenario) : scenarios
  for (const s of measured) plans.push({ server, scenario: s.id, requests: await s.prepare(server.ready.url) })
  return plans
}

const measuresNew = (options: BenchOptions, scenario: string): boolean =>
  options.newConnectionScenarios === "all" || options.newConnectionScenarios.includes(scenario)

const key = (plan: Plan, connection: Connection) => `${plan.server.kind}/${plan.scenario}/${connection}`

export const runThroughput = async (options: BenchOptions, log: (line: string) => void): Promise<Array<Cell>> => {
  const kinds: ReadonlyArray<ServerKind> = [
    "raw-node",
    "raw-bun",
    "hono-node",
    "hono-bun",
    "emulator-node",
    "emulator-bun",
    "emulator-node-attr-off",
    "emulator-bun-attr-off"
  ]
  const servers: Array<Server> = []
  try {
    for (const kind of kinds) servers.push(await startServer(kind))
    const plans = (await Promise.all(servers.map(plansFor))).flat()
    const spec = (plan: Plan, connection: Connection, seconds: number): LoadSpec => ({
      url: plan.server.ready.url,
      connections: options.connections,
      durationSeconds: seconds,
      reconnect: connection === "new",
      requests: plan.requests
    })
    if (options.warmupSeconds > 0) {
      // A full run warms every server/scenario pair; a quick one only each server's first, so the JIT has seen it.
      const warm = options.quick ? plans.filter((p, i) => plans.findIndex((q) => q.server === p.server) === i) : plans
      log(`warming up ${warm.length} server/scenario pairs`)
      for (const plan of warm) {
        await measure(options.generator, plan.server, spec(plan, "keep-alive", options.warmupSeconds))
      }
    }
    const runs = new Map<string, Array<Measured>>()
    for (let round = 1; round <= options.rounds; round++) {
      for (const connection of connectionModes) {
        for (const plan of plans) {
          if (connection === "new" && !measuresNew(options, plan.scenario)) continue
          const measured = await measure(options.generator, plan.server, spec(plan, connection, options.seconds))
          runs.set(key(plan, connection), [...(runs.get(key(plan, connection)) ?? []), measured])
          log(`round ${round} ${key(plan, connection)}: ${Math.round(measured.requestsPerSecond)} req/s`)
        }
      }
    }
    return cells(plans, runs)
  } finally {
    await Promise.all(servers.map((s) => s.stop()))
  }
}

const cells = (plans: ReadonlyArray<Plan>, runs: Map<string, Array<Measured>>): Array<Cell> =>
  connectionModes.flatMap((connection) => {
    const raw = runs.get(`raw-node/baseline/${connection}`)!
    return plans.flatMap((plan) => {
      const rounds = runs.get(key(plan, connection))
      if (rounds === undefined) return []
      return {
        server: plan.server.kind,
        scenario: plan.scenario,
        connection,
        rounds,
        rps: median(rounds.map((r) => r.requestsPerSecond)),
        p50Ms: median(rounds.map((r) => r.p50Ms)),
        p99Ms: median(rounds.map((r) => r.p99Ms)),
        errors: sum(rounds.map((r) => r.errors)),
        cpuCores: median(rounds.map((r) => r.cpuCores)),
        rssMiB: Math.max(...rounds.map((r) => r.rssMiB)),
        ...ratioOf(rounds, raw, connection)
      }
    })
  })

const ratioOf = (rounds: ReadonlyArray<Measured>, raw: ReadonlyArray<Measured>, connection: Connection) => {
  const all = rounds.map((r, i) => [r, raw[i]!] as const)
  const clean = connection === "new" ? all : all.filter(([r, b]) => !starved(r) && !starved(b))
  const used = clean.length > 0 ? clean : all
  return { ratio: median(used.map(([r, b]) => r.requestsPerSecond / b.requestsPerSecond)), cleanRounds: clean.length }
}
