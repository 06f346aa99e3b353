// The committed incremental results in a canonical form, so that a run over an unchanged tree rewrites them byte for
// byte and they carry nothing of the machine that made them: no configuration or absolute project root, no status
// texts (they quote timings), mutants and tests sorted, and their ids renumbered in that order.
import { readFileSync, writeFileSync } from "node:fs"

interface Position {
  readonly line: number
  readonly column: number
}
interface Mutant {
  id: string
  mutatorName: string
  replacement?: string
  location: { readonly start: Position; readonly end: Position }
  statusReason?: string
  coveredBy?: Array<string>
  killedBy?: Array<string>
  [key: string]: unknown
}
interface Test {
  id: string
  name: string
  [key: string]: unknown
}
interface Report {
  files: Record<string, { mutants: Array<Mutant>; [key: string]: unknown }>
  testFiles?: Record<string, { tests: Array<Test>; [key: string]: unknown }>
  [key: string]: unknown
}

const byPosition = (a: Mutant, b: Mutant): number =>
  a.location.start.line - b.location.start.line ||
  a.location.start.column - b.location.start.column ||
  a.location.end.line - b.location.end.line ||
  a.location.end.column - b.location.end.column ||
  a.mutatorName.localeCompare(b.mutatorName) ||
  (a.replacement ?? "").localeCompare(b.replacement ?? "")

const sortedKeys = <V>(record: Record<string, V>): Record<string, V> =>
  Object.fromEntries(Object.entries(record).sort(([a], [b]) => a.localeCompare(b)))

export const canonicalize = (path: string): void => {
  const report = JSON.parse(readFileSync(path, "utf8")) as Report
  const testIds = new Map<string, string>()
  const testFiles = sortedKeys(report.testFiles ?? {})
  for (const file of Object.values(testFiles)) {
    file.tests.sort((a, b) => a.name.localeCompare(b.name))
    for (const test of file.tests) {
      const id = String(testIds.size)
      testIds.set(test.id, id)
      test.id = id
    }
  }
  const remap = (ids: Array<string> | undefined) =>
    ids?.map((id) => testIds.get(id) ?? id).sort((a, b) => Number(a) - Number(b))
  let next = 0
  const files = sortedKeys(report.files)
  for (const file of Object.values(files)) {
    file.mutants.sort(byPosition)
    for (const mutant of file.mutants) {
      mutant.id = String(next++)
      delete mutant.statusReason
      const coveredBy = remap(mutant.coveredBy)
      const killedBy = remap(mutant.killedBy)
      if (coveredBy !== undefined) mutant.coveredBy = coveredBy
      if (killedBy !== undefined) mutant.killedBy = killedBy
    }
  }
  const { schemaVersion } = report
  writeFileSync(path, `${JSON.stringify({ schemaVersion, files, testFiles }, null, 1)}\n`)
}
