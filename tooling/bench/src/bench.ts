// `pnpm bench [--quick]`: runs every section, writes bench/results/<timestamp>.{json,md} at the repo root and prints
// the targets. Exits non-zero only when the benchmark itself breaks (a section throws, a server dies, a reply is not
// 2xx); a missed target is reported, never fatal.
import { mkdirSync, writeFileSync } from "node:fs"
import { cpus, loadavg } from "node:os"
import { join } from "node:path"
import { type BenchOptions, parseOptions, type Section, usage } from "./options.ts"
import { bunBin, repoRoot, runToEnd, tasksetAvailable } from "./proc.ts"
import { markdown, summary } from "./report.ts"
import type { Machine, Results } from "./results.ts"
import { runClient } from "./sections/client.ts"
import { runColdStart } from "./sections/coldstart.ts"
import { runFleet } from "./sections/fleet.ts"
import { runSlowloris } from "./sections/slowloris.ts"
import { runSoak } from "./sections/soak.ts"
import { runThroughput } from "./sections/throughput.ts"
import { runTokenMemory } from "./sections/tokens.ts"
import type { Runtime } from "./servers.ts"
import { evaluate } from "./targets.ts"

const log = (line: string) => process.stderr.write(`[bench] ${line}\n`)

const machine = async (options: BenchOptions): Promise<Machine> => ({
  cpus: cpus().length,
  cpuModel: cpus()[0]?.model ?? "unknown",
  node: process.version,
  bun: (await runToEnd(bunBin, ["--version"], "server")).trim(),
  generator:
    options.generator === "wrk"
      ? "wrk (C, 1 thread)"
      : "autocannon (keep-alive) + connect-worker under Bun (new connections)",
  pinned: tasksetAvailable && cpus().length > 1,
  loadAverage: loadavg()
})

type Partial = { -readonly [K in keyof Results]?: Results[K] }

/** Node first, then Bun, one at a time (they would compete for the server core). */
const onEachRuntime = async <A>(f: (runtime: Runtime) => Promise<A>): Promise<Array<A>> => {
  const out: Array<A> = []
  for (const runtime of ["node", "bun"] as const) out.push(await f(runtime))
  return out
}

const run: Record<Section, (o: BenchOptions, into: Partial) => Promise<void>> = {
  throughput: async (o, into) => {
    into.throughput = await runThroughput(o, log)
  },
  tokens: async (o, into) => {
    into.tokens = await onEachRuntime((r) => runTokenMemory(o, r))
  },
  fleet: async (o, into) => {
    into.fleet = await onEachRuntime((r) => runFleet(o, r))
  },
  soak: async (o, into) => {
    into.soak = await onEachRuntime((r) => runSoak(o, r))
  },
  slowloris: async (o, into) => {
    into.slowloris = await onEachRuntime((r) => runSlowloris(o, r))
  },
  client: async (o, into) => {
    into.client = await runClient(o.clientCalls, o.quick ? 100 : 400)
  },
  coldstart: async (o, into) => {
    into.coldStart = await onEachRuntime((r) => runColdStart(r, o.coldStarts))
  }
}

const main = async (): Promise<number> => {
  let options: BenchOptions
  try {
    options = parseOptions(process.argv.slice(2))
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n${usage}\n`)
    return 2
  }
  const started = new Date()
  const into: Partial = { startedAt: started.toISOString(), options, machine: await machine(options) }
  const failures: Array<string> = []
  for (const section of options.sections) {
    log(`${section}…`)
    const t0 = performance.now()
    await run[section](options, into).catch((error: Error) =>
      failures.push(`${section}: ${error.stack ?? error.message}`)
    )
    log(`${section} done in ${((performance.now() - t0) / 1000).toFixed(1)} s`)
  }
  const results = { ...into, failures, durationSeconds: (Date.now() - started.getTime()) / 1000 } as Results
  const targets = evaluate(results)
  const dir = join(repoRoot, "bench", "results")
  mkdirSync(dir, { recursive: true })
  const stamp = started.toISOString().replace(/[:.]/g, "-")
  writeFileSync(join(dir, `${stamp}.json`), `${JSON.stringify({ ...results, targets }, null, 2)}\n`)
  writeFileSync(join(dir, `${stamp}.md`), markdown(results, targets))
  process.stdout.write(`${summary(targets)}\n\nwrote bench/results/${stamp}.{json,md}\n`)
  for (const f of failures) process.stderr.write(`[bench] failed: ${f}\n`)
  const wrong = wrongReplies(results)
  if (wrong > 0) process.stderr.write(`[bench] failed: ${wrong} replies were not 2xx\n`)
  return failures.length > 0 || wrong > 0 ? 1 : 0
}

/** Replies that were not 2xx: the emulator misbehaved (unlike timeouts on a busy machine, a missed target). */
const wrongReplies = (r: Results): number =>
  [
    ...(r.throughput ?? []).flatMap((c) => c.rounds),
    ...(r.tokens ?? []),
    ...(r.fleet ?? []).flatMap((f) => f.loads),
    ...(r.soak ?? []).map((s) => s.load)
  ].reduce((n, m) => n + m.statusErrors, 0) +
  (r.slowloris ?? []).reduce((n, s) => n + s.alone.errors + s.underSlowloris.errors, 0)

process.exitCode = await main()
