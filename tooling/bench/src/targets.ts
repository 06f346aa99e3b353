// The targets, each evaluated against this run's figures: a goal, the measured value and pass/fail (null when
// the section that measures it did not run).
import type { Results } from "./results.ts"
import type { Cell } from "./sections/throughput.ts"
import { median } from "./stats.ts"

export interface TargetRow {
  readonly target: string
  readonly goal: string
  readonly measured: string
  readonly pass: boolean | null
}

const x = (n: number) => `${n.toFixed(2)}×`
const ms = (n: number) => `${n < 10 ? n.toFixed(2) : n.toFixed(0)} ms`

const notRun = (target: string, goal: string): TargetRow => ({ target, goal, measured: "not run", pass: null })

/** Median over rounds of a ÷ b (the cells' rounds are the same rounds, in order). */
export const roundRatio = (a: Cell, b: Cell): number =>
  median(a.rounds.map((r, i) => r.requestsPerSecond / (b.rounds[i]?.requestsPerSecond ?? Number.NaN)))

/** The reference machine had raw Bun.serve at 2.28× raw node:http; a Bun goal is relative to that. */
const referenceRawBun = 2.28

const ratioTargets = (cells: ReadonlyArray<Cell>): Array<TargetRow> => {
  const goals: ReadonlyArray<readonly [string, string, number, number]> = [
    ["token-get", "token GET keep-alive", 0.75, 1.6],
    ["normal-get", "normal GET keep-alive", 0.8, 1.8],
    ["token-put", "token PUT keep-alive", 0.45, 1.3]
  ]
  const find = (server: string, scenario: string) =>
    cells.find((c) => c.server === server && c.scenario === scenario && c.connection === "keep-alive")
  const rawBun = find("raw-bun", "baseline")
  return goals.flatMap(([scenario, title, node, bun]) =>
    (["node", "bun"] as const).map((runtime) => {
      const goal = runtime === "node" ? node : bun
      const cell = find(`emulator-${runtime}`, scenario)
      const name = `${title}, ${runtime === "node" ? "Node" : "Bun"} ÷ raw node:http`
      if (cell === undefined) return notRun(name, `≥ ${x(goal)}`)
      // On Bun, also say how far the emulator is from raw Bun.serve itself, and what the goal asks of that.
      const context =
        runtime === "bun" && rawBun !== undefined
          ? ` (${x(roundRatio(cell, rawBun))} raw Bun.serve, which ran at ${x(rawBun.ratio)}; goal implies ` +
            `${x(goal / referenceRawBun)} of it)`
          : ""
      return { target: name, goal: `≥ ${x(goal)}`, measured: `${x(cell.ratio)}${context}`, pass: cell.ratio >= goal }
    })
  )
}

export interface AttributionCost {
  readonly runtime: "node" | "bun"
  readonly connection: Cell["connection"]
  /** The default emulator (token-less requests attributed) and the one with `--attribute off`. */
  readonly on: Cell
  readonly off: Cell
  /** Median over rounds of on ÷ off req/s. */
  readonly ratio: number
}

/** What attributing token-less requests costs a normal GET: the default emulator against `--attribute off`. */
export const attributionCosts = (cells: ReadonlyArray<Cell>): Array<AttributionCost> =>
  (["keep-alive", "new"] as const).flatMap((connection) =>
    (["node", "bun"] as const).flatMap((runtime) => {
      const find = (server: string) =>
        cells.find((c) => c.server === server && c.scenario === "normal-get" && c.connection === connection)
      const on = find(`emulator-${runtime}`)
      const off = find(`emulator-${runtime}-attr-off`)
      return on === undefined || off === undefined ? [] : [{ runtime, connection, on, off, ratio: roundRatio(on, off) }]
    })
  )

/** Attribution looks a connection up once, so on keep-alive connections it must not show. */
const attributionTargets = (cells: ReadonlyArray<Cell>): Array<TargetRow> => {
  const costs = attributionCosts(cells).filter((c) => c.connection === "keep-alive")
  return (["node", "bun"] as const).map((runtime) => {
    const target = `normal GET keep-alive, attribution on ÷ off, ${runtime === "node" ? "Node" : "Bun"}`
    const cost = costs.find((c) => c.runtime === runtime)
    if (cost === undefined) return notRun(target, "≥ 0.95×")
    return { target, goal: "≥ 0.95×", measured: x(cost.ratio), pass: cost.ratio >= 0.95 }
  })
}

const p99Target = (cells: ReadonlyArray<Cell>, connection: Cell["connection"]): TargetRow => {
  const target = `p99 at 64 connections, every scenario, ${connection === "new" ? "new connections" : "keep-alive"}`
  const emulator = cells.filter((c) => c.server.startsWith("emulator") && c.connection === connection)
  if (emulator.length === 0) return notRun(target, "≤ 10 ms")
  const worst = emulator.reduce((a, b) => (b.p99Ms > a.p99Ms ? b : a))
  const where = `${worst.server} ${worst.scenario}`
  return { target, goal: "≤ 10 ms", measured: `worst ${ms(worst.p99Ms)} (${where})`, pass: worst.p99Ms <= 10 }
}

const throughputTargets = (cells: ReadonlyArray<Cell> | undefined): Array<TargetRow> => {
  const all = cells ?? []
  const errors = all.filter((c) => c.server.startsWith("emulator")).reduce((n, c) => n + c.errors, 0)
  return [
    ...ratioTargets(all),
    ...attributionTargets(all),
    p99Target(all, "keep-alive"),
    p99Target(all, "new"),
    cells === undefined
      ? notRun("errors, every scenario", "0")
      : { target: "errors, every scenario", goal: "0", measured: String(errors), pass: errors === 0 }
  ]
}

const perRuntime = <A extends { readonly runtime: string }>(
  rows: ReadonlyArray<A> | undefined,
  target: string,
  goal: string,
  show: (a: A) => string,
  ok: (a: A) => boolean
): Array<TargetRow> =>
  rows === undefined
    ? [notRun(target, goal)]
    : rows.map((a) => ({ target: `${target} (${a.runtime})`, goal, measured: show(a), pass: ok(a) }))

export const evaluate = (r: Results): Array<TargetRow> => [
  ...throughputTargets(r.throughput),
  ...perRuntime(
    r.tokens,
    `RSS growth after ${r.options.tokens.toLocaleString("en")} tokens`,
    "< 20 MiB",
    (t) => `${t.growthMiB.toFixed(1)} MiB (${t.issued.toLocaleString("en")} issued, ${t.errors} errors)`,
    (t) => t.growthMiB < 20 && t.errors === 0 && t.issued >= r.options.tokens
  ),
  ...perRuntime(
    r.fleet,
    `${r.options.fleetSize.toLocaleString("en")}-instance fleet start`,
    "< 3 s",
    (f) => `${(f.startMs / 1000).toFixed(2)} s`,
    (f) => f.startMs < 3000
  ),
  ...perRuntime(
    r.fleet,
    "fleet token GET ÷ 1-instance fleet",
    "≥ 0.90×",
    (f) => x(f.ratio),
    (f) => f.ratio >= 0.9 && f.errors === 0
  ),
  ...perRuntime(
    r.soak,
    `soak ${r.options.soakSeconds} s mixed PUT/GET: errors`,
    "0",
    (s) => String(s.load.errors),
    (s) => s.load.errors === 0
  ),
  ...perRuntime(
    r.soak,
    "soak RSS growth after warm-up",
    "< 10 MiB",
    (s) => `${s.growthMiB.toFixed(1)} MiB`,
    (s) => s.growthMiB < 10
  ),
  ...clientTargets(r),
  ...perRuntime(
    r.coldStart,
    "cold start to first 200",
    "Node < 1.5 s, Bun < 0.5 s",
    (c) => `${(c.medianMs / 1000).toFixed(2)} s`,
    (c) => c.medianMs < (c.runtime === "node" ? 1500 : 500)
  )
]

const clientTargets = (r: Results): Array<TargetRow> => {
  const c = r.client
  const single = `${r.options.clientCalls} concurrent cold accessor calls`
  if (c === undefined) return [notRun(single, "1 token PUT"), notRun("cached accessor ÷ raw fetch", "< 2×")]
  if (!c.available) {
    const missing = { measured: "packages/client has no Promise facade yet", pass: null }
    return [
      { target: single, goal: "1 token PUT", ...missing },
      { target: "cached accessor ÷ raw fetch", goal: "< 2×", ...missing }
    ]
  }
  return [
    {
      target: single,
      goal: "1 token PUT",
      measured: `${c.tokenPuts} PUT`,
      pass: c.tokenPuts === 1 && c.wrongAnswers === 0
    },
    {
      target: "cached accessor ÷ raw fetch",
      goal: "< 2×",
      measured: `${x(c.ratio)} (${c.accessorUs.toFixed(0)} µs vs ${c.fetchUs.toFixed(0)} µs)`,
      pass: c.ratio < 2
    }
  ]
}
