// Renders a run as Markdown (bench/results/<timestamp>.md, and the table docs/benchmarks.md copies) and as the short
// summary printed on stdout.
import type { Results } from "./results.ts"
import { scenarios } from "./scenarios.ts"
import type { Cell, Connection } from "./sections/throughput.ts"
import { connectionModes } from "./sections/throughput.ts"
import { attributionCosts, type TargetRow } from "./targets.ts"

const table = (head: ReadonlyArray<string>, rows: ReadonlyArray<ReadonlyArray<string>>): string =>
  [head, head.map(() => "---"), ...rows].map((r) => `| ${r.join(" | ")} |`).join("\n")

const verdict = (pass: boolean | null) => (pass === null ? "–" : pass ? "pass" : "**FAIL**")
const int = (n: number) => Math.round(n).toLocaleString("en")
const lat = (c: Cell) => `${c.p50Ms.toFixed(2)} / ${c.p99Ms.toFixed(1)}`

export const targetTable = (rows: ReadonlyArray<TargetRow>): string =>
  table(
    ["Target", "Goal", "Measured", "Result"],
    rows.map((t) => [t.target, t.goal, t.measured, verdict(t.pass)])
  )

const throughputTable = (cells: ReadonlyArray<Cell>): string => {
  const find = (server: string, scenario: string, connection: Connection) =>
    cells.find((c) => c.server === server && c.scenario === scenario && c.connection === connection)
  const rows: Array<Array<string>> = []
  for (const connection of connectionModes) {
    const rowsOf: ReadonlyArray<readonly [string, string, string, string]> = [
      ["raw-node", "raw-bun", "baseline", "raw server, 10-byte body"],
      ["hono-node", "hono-bun", "baseline", "Hono alone, 10-byte body"],
      ...scenarios.map((s) => ["emulator-node", "emulator-bun", s.id, s.title] as const),
      ["emulator-node-attr-off", "emulator-bun-attr-off", "normal-get", "normal-mode GET, --attribute off"]
    ]
    for (const [nodeKind, bunKind, scenario, title] of rowsOf) {
      const n = find(nodeKind, scenario, connection)
      const b = find(bunKind, scenario, connection)
      if (n === undefined || b === undefined) continue
      rows.push([
        title,
        connection,
        int(n.rps),
        `${n.ratio.toFixed(2)}×${n.cleanRounds < n.rounds.length ? ` (${n.cleanRounds}/${n.rounds.length})` : ""}`,
        int(b.rps),
        `${b.ratio.toFixed(2)}×${b.cleanRounds < b.rounds.length ? ` (${b.cleanRounds}/${b.rounds.length})` : ""}`,
        lat(n),
        lat(b),
        String(n.errors + b.errors),
        `${n.cpuCores.toFixed(2)} / ${b.cpuCores.toFixed(2)}`,
        `${n.rssMiB.toFixed(0)} / ${b.rssMiB.toFixed(0)}`
      ])
    }
  }
  return table(
    [
      "Scenario",
      "Conn.",
      "Node req/s",
      "÷ raw node",
      "Bun req/s",
      "÷ raw node",
      "Node p50 / p99 ms",
      "Bun p50 / p99 ms",
      "Errors",
      "CPU cores N / B",
      "RSS MiB N / B"
    ],
    rows
  )
}

const machineLine = (r: Results): string => {
  const m = r.machine
  return [
    `${m.cpus} × ${m.cpuModel}; Node ${m.node}, Bun ${m.bun}; load generator ${m.generator}`,
    m.pinned ? "server and load generator pinned to different cores (taskset)" : "no core pinning",
    `load average at start ${m.loadAverage.map((l) => l.toFixed(2)).join(" ")}`
  ].join("; ")
}

const sections = (r: Results): Array<string> => {
  const out: Array<string> = []
  if (r.throughput !== undefined) {
    out.push(
      `## Throughput (median of ${r.options.rounds} round(s) × ${r.options.seconds} s, ${r.options.connections} connections)`
    )
    out.push(
      "Ratios are to raw node:http in the same round and connection mode; `(k/n)` marks a keep-alive ratio taken " +
        `over the k of n rounds in which neither server was starved of its core.\n\n${throughputTable(r.throughput)}`
    )
  }
  const costs = attributionCosts(r.throughput ?? [])
  if (costs.length > 0) {
    out.push("## Process attribution (normal GET, attribution on ÷ off)")
    out.push(
      "The default emulator journals the calling process of token-less requests (one /proc look-up per connection); " +
        "the other runs with `--attribute off`. Both are measured in the same rounds; the ratio is the median of the " +
        `per-round ratios.\n\n${table(
          ["Runtime", "Conn.", "On req/s", "Off req/s", "On ÷ off", "On p50 / p99 ms", "Off p50 / p99 ms"],
          costs.map((c) => [
            c.runtime,
            c.connection,
            int(c.on.rps),
            int(c.off.rps),
            `${c.ratio.toFixed(2)}×`,
            lat(c.on),
            lat(c.off)
          ])
        )}`
    )
  }
  if (r.tokens !== undefined) {
    out.push("## Memory after issuing tokens")
    out.push(
      table(
        ["Runtime", "Issued", "RSS after warm-up MiB", "RSS after MiB", "Growth MiB", "PUT req/s", "Errors"],
        r.tokens.map((t) => [
          t.runtime,
          int(t.issued),
          t.rssAfterWarmupMiB.toFixed(1),
          t.rssAfterMiB.toFixed(1),
          t.growthMiB.toFixed(1),
          int(t.rps),
          String(t.errors)
        ])
      )
    )
  }
  if (r.fleet !== undefined) {
    out.push("## Large fleet")
    out.push(
      table(
        [
          "Runtime",
          "Instances",
          "Spawn → listening s",
          "startServer s",
          "Token GET req/s",
          "1-instance req/s",
          "Ratio"
        ],
        r.fleet.map((f) => [
          f.runtime,
          int(f.instances),
          (f.startMs / 1000).toFixed(2),
          (f.startServerMs / 1000).toFixed(2),
          int(f.rps),
          int(f.singleRps),
          `${f.ratio.toFixed(2)}×`
        ])
      )
    )
  }
  if (r.soak !== undefined) {
    out.push("## Soak (mixed token PUT/GET, 1 PUT : 3 GETs with its token)")
    out.push(
      table(
        [
          "Runtime",
          "Seconds",
          "req/s",
          "p99 ms",
          "Errors",
          "RSS after warm-up MiB",
          "Growth MiB (last 5 s vs first 5 s)"
        ],
        r.soak.map((s) => [
          s.runtime,
          String(s.seconds),
          int(s.load.requestsPerSecond),
          s.load.p99Ms.toFixed(1),
          String(s.load.errors),
          s.rssAtWarmupMiB.toFixed(1),
          s.growthMiB.toFixed(1)
        ])
      )
    )
  }
  if (r.slowloris !== undefined) {
    out.push("## Slowloris (one sequential keep-alive client, alone and beside 1,000 slow request heads)")
    out.push(
      table(
        [
          "Runtime",
          "Seconds",
          "Alone p50 / p99 ms",
          "Under slowloris p50 / p99 ms",
          "Max ms alone / under",
          "Requests alone / under",
          "Errors",
          "Slow open at end",
          "Closed by header timeout"
        ],
        r.slowloris.map((s) => [
          s.runtime,
          String(s.seconds),
          `${s.alone.p50Ms.toFixed(2)} / ${s.alone.p99Ms.toFixed(2)}`,
          `${s.underSlowloris.p50Ms.toFixed(2)} / ${s.underSlowloris.p99Ms.toFixed(2)}`,
          `${s.alone.maxMs.toFixed(1)} / ${s.underSlowloris.maxMs.toFixed(1)}`,
          `${int(s.alone.requests)} / ${int(s.underSlowloris.requests)}`,
          String(s.alone.errors + s.underSlowloris.errors),
          int(s.slowOpenAtEnd),
          int(s.slowClosedByServer)
        ])
      )
    )
  }
  if (r.client?.available === true) {
    const c = r.client
    out.push("## Client (Node, Promise facade)")
    out.push(
      `${c.coldCalls} concurrent cold \`instanceId()\` calls → ${c.tokenPuts} token PUT, ${c.wrongAnswers} wrong answers. ` +
        `Cached accessor ${c.accessorUs.toFixed(0)} µs vs raw fetch ${c.fetchUs.toFixed(0)} µs per sequential call (${c.ratio.toFixed(2)}×).`
    )
  }
  if (r.coldStart !== undefined) {
    out.push("## Cold start (spawn → first 200)")
    out.push(
      table(
        ["Runtime", "Command", "Median s", "Samples s"],
        r.coldStart.map((c) => [
          c.runtime,
          `\`${c.command}\``,
          (c.medianMs / 1000).toFixed(2),
          c.samplesMs.map((s) => (s / 1000).toFixed(2)).join(", ")
        ])
      )
    )
  }
  return out
}

export const markdown = (r: Results, targets: ReadonlyArray<TargetRow>): string =>
  [
    `# aliyun-imds benchmark, ${r.startedAt}${r.options.quick ? " (quick)" : ""}`,
    `${machineLine(r)}. Run took ${Math.round(r.durationSeconds)} s.`,
    "## Targets",
    targetTable(targets),
    ...sections(r),
    ...(r.failures.length === 0 ? [] : ["## Failures", r.failures.map((f) => `- ${f}`).join("\n")])
  ].join("\n\n") + "\n"

export const summary = (targets: ReadonlyArray<TargetRow>): string =>
  targets
    .map(
      (t) => `${(t.pass === null ? "-" : t.pass ? "ok" : "MISS").padEnd(5)}${t.target}: ${t.measured} (goal ${t.goal})`
    )
    .join("\n")
