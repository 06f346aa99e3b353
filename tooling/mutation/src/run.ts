// `pnpm test:mutation`: StrykerJS over the modules that decide access and tokens (targets.ts), incremental against
// the committed results in incremental/, then a per-file score with the listed equivalent mutants set aside. Fails
// when a file scores under the threshold, a survivor is neither killed nor listed, or a listed entry is stale.
// Flags: --full (re-test every mutant, ignoring earlier results), --only NAME (one target).
import { readFileSync } from "node:fs"
import { dirname, join, relative, resolve } from "node:path"
import { fileURLToPath } from "node:url"
import { parseArgs } from "node:util"
import type { LogLevel } from "@stryker-mutator/api/core"
import { Stryker } from "@stryker-mutator/core"
import { entryFor, readEquivalents } from "./equivalents.ts"
import { canonicalize } from "./incremental.ts"
import { type FileScore, type Judged, type Status, score } from "./score.ts"
import { type Target, targets, threshold } from "./targets.ts"

const here = dirname(fileURLToPath(import.meta.url))
const packageDir = resolve(here, "..")
const root = resolve(packageDir, "../..")

const usage = `usage: pnpm test:mutation [--full] [--only ${targets.map((t) => t.name).join("|")}]`

const parsed = (() => {
  // pnpm hands over a leading `--` from `pnpm test:mutation -- --only core`.
  const args = process.argv.slice(2).filter((a, i) => !(i === 0 && a === "--"))
  try {
    return parseArgs({ args, options: { full: { type: "boolean", default: false }, only: { type: "string" } } })
  } catch (error) {
    console.error(`${(error as Error).message}\n${usage}`)
    process.exit(2)
  }
})()
const values = parsed.values
const chosen = targets.filter((t) => values.only === undefined || t.name === values.only)
if (chosen.length === 0) {
  console.error(`--only must name one of: ${targets.map((t) => t.name).join(", ")}\n${usage}`)
  process.exit(2)
}

const lineCache = new Map<string, ReadonlyArray<string>>()
const linesOf = (file: string): ReadonlyArray<string> => {
  let lines = lineCache.get(file)
  if (lines === undefined) {
    lines = readFileSync(join(root, file), "utf8").split("\n")
    lineCache.set(file, lines)
  }
  return lines
}

interface Position {
  readonly line: number
  readonly column: number
}

/** The source a mutant replaces (Stryker's lines and columns count from 1; the end is exclusive). */
const originalCode = (file: string, start: Position, end: Position): string => {
  const lines = linesOf(file).slice(start.line - 1, end.line)
  if (lines.length === 1) return lines[0]!.slice(start.column - 1, end.column - 1)
  const last = lines.length - 1
  return lines
    .map((l, i) => (i === 0 ? l.slice(start.column - 1) : i === last ? l.slice(0, end.column - 1) : l))
    .join("\n")
}

const incrementalFile = (target: Target) => join(packageDir, "incremental", `${target.name}.json`)

/** Runs Stryker on one target inside its package and returns every mutant, judged. */
const mutate = async (target: Target): Promise<ReadonlyArray<Judged>> => {
  const dir = join(root, target.dir)
  process.chdir(dir)
  const stryker = new Stryker({
    testRunner: "vitest",
    plugins: ["@stryker-mutator/vitest-runner"],
    vitest: { configFile: target.vitestConfig },
    mutate: [...target.mutate],
    coverageAnalysis: "perTest",
    incremental: true,
    force: values.full,
    incrementalFile: incrementalFile(target),
    reporters: ["json"],
    jsonReporter: { fileName: join(packageDir, "reports", `${target.name}.json`) },
    tempDirName: ".stryker-tmp",
    cleanTempDir: "always",
    concurrency: 2,
    // LogLevel is a const enum of these strings, which verbatimModuleSyntax cannot read.
    logLevel: "warn" as LogLevel,
    thresholds: { high: 100, low: threshold, break: null }
  })
  const results = await stryker.runMutationTest()
  canonicalize(incrementalFile(target))
  return results.map((r) => {
    const file = relative(root, resolve(dir, r.fileName))
    return {
      file,
      mutator: r.mutatorName,
      original: originalCode(file, r.location.start, r.location.end),
      replacement: r.replacement ?? "",
      status: r.status as Status,
      lineNumber: r.location.start.line
    }
  })
}

const pad = (s: string | number, n: number) => String(s).padStart(n)

const table = (files: ReadonlyArray<FileScore>): string =>
  [
    `${"file".padEnd(44)} ${pad("killed", 7)} ${pad("timeout", 8)} ${pad("survived", 9)} ${pad("no cov", 7)} ${pad("equiv", 6)} ${pad("score", 7)}`,
    ...files.map(
      (f) =>
        `${f.file.padEnd(44)} ${pad(f.killed, 7)} ${pad(f.timeout, 8)} ${pad(f.survived, 9)} ${pad(f.noCoverage, 7)} ${pad(f.equivalent, 6)} ${pad(`${f.score.toFixed(1)}%`, 7)}${f.score < threshold ? "  < " + threshold + "%" : ""}`
    )
  ].join("\n")

const started = performance.now()
const equivalents = readEquivalents(join(packageDir, "equivalent-mutants.txt"))
const mutants: Array<Judged> = []
for (const target of chosen) {
  const t0 = performance.now()
  console.log(`[mutation] ${target.name}: ${target.mutate.length} files…`)
  mutants.push(...(await mutate(target)))
  console.log(`[mutation] ${target.name} done in ${((performance.now() - t0) / 1000).toFixed(0)} s`)
}
const files = new Set(mutants.map((m) => m.file))
const result = score(
  mutants,
  equivalents.filter((e) => files.has(e.file))
)
console.log(`\n${table(result.files)}\n`)
console.log(
  `[mutation] ${mutants.length} mutants, ${equivalents.length} listed as equivalent, ${((performance.now() - started) / 1000).toFixed(0)} s`
)

let failed = false
if (result.unexplained.length > 0) {
  failed = true
  console.log(
    `\n${result.unexplained.length} surviving mutant(s): kill each with a test, or, if no test can tell it apart`
  )
  console.log("from the original, add its line (with the reason) to tooling/mutation/equivalent-mutants.txt:")
  for (const m of result.unexplained) console.log(`  ${m.file}:${m.lineNumber} (${m.status})\n    ${entryFor(m)}`)
}
if (result.stale.length > 0) {
  failed = true
  console.log(
    "\nequivalent-mutants.txt entries that match no surviving mutant (remove them, or update them to the code):"
  )
  for (const e of result.stale) console.log(`  line ${e.at}: ${e.file} ${e.mutator} ${JSON.stringify(e.replacement)}`)
}
const low = result.files.filter((f) => f.score < threshold)
if (low.length > 0) {
  failed = true
  console.log(`\n${low.length} file(s) under ${threshold}%: ${low.map((f) => f.file).join(", ")}`)
}
process.exit(failed ? 1 : 0)
