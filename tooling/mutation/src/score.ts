// Per-file mutation scores once the listed equivalent mutants are set aside: (killed + timed out) / (killed + timed
// out + survived + not covered). Compile and runtime errors are not mutants any test could judge, so they count nowhere.
import { type Equivalent, entryFor, type Mutant, sameMutant } from "./equivalents.ts"

export type Status =
  | "Killed"
  | "Timeout"
  | "Survived"
  | "NoCoverage"
  | "CompileError"
  | "RuntimeError"
  | "Ignored"
  | "Pending"

export interface Judged extends Mutant {
  readonly status: Status
  readonly lineNumber: number
}

export interface FileScore {
  readonly file: string
  readonly killed: number
  readonly timeout: number
  readonly survived: number
  readonly noCoverage: number
  readonly equivalent: number
  readonly score: number
}

export interface Scores {
  readonly files: ReadonlyArray<FileScore>
  /** Survivors not listed as equivalent: each must be killed by a test or listed. */
  readonly unexplained: ReadonlyArray<Judged>
  /** Entries that match no living (or timed-out) mutant any more (killed now, or the code changed): remove or fix them. */
  readonly stale: ReadonlyArray<Equivalent>
}

const lives = (m: Judged) => m.status === "Survived" || m.status === "NoCoverage"
/** A listed mutant may also run out of time on a loaded machine (its tests run slower than their baseline). */
const listable = (m: Judged) => lives(m) || m.status === "Timeout"

export const score = (mutants: ReadonlyArray<Judged>, equivalents: ReadonlyArray<Equivalent>): Scores => {
  const used = new Set<Equivalent>()
  const isEquivalent = (m: Judged): boolean => {
    const e = equivalents.find((e) => !used.has(e) && sameMutant(e, m))
    if (e !== undefined) used.add(e)
    return e !== undefined
  }
  const byFile = new Map<string, Array<Judged>>()
  for (const m of mutants) byFile.set(m.file, [...(byFile.get(m.file) ?? []), m])
  const unexplained: Array<Judged> = []
  const files = [...byFile].map(([file, list]): FileScore => {
    const count = (s: Status) => list.filter((m) => m.status === s).length
    const equivalent = list.filter(listable).filter(isEquivalent)
    unexplained.push(...list.filter(lives).filter((m) => !equivalent.includes(m)))
    const killed = count("Killed")
    const timeout = count("Timeout") - equivalent.filter((m) => m.status === "Timeout").length
    const survived = count("Survived") - equivalent.filter((m) => m.status === "Survived").length
    const noCoverage = count("NoCoverage") - equivalent.filter((m) => m.status === "NoCoverage").length
    const judged = killed + timeout + survived + noCoverage
    return {
      file,
      killed,
      timeout,
      survived,
      noCoverage,
      equivalent: equivalent.length,
      score: judged === 0 ? 100 : ((killed + timeout) / judged) * 100
    }
  })
  return { files, unexplained, stale: equivalents.filter((e) => !used.has(e)) }
}

export { entryFor }
