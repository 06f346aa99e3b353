// The surviving mutants no test can tell apart from the original, each listed once with the reason. An entry names
// the mutant by content — file, mutator, the code it replaces and what replaces it — so edits elsewhere in the file
// do not break it. Format of a line (two JSON strings, then the reason after ` -- `):
//   packages/core/src/Token.ts ConditionalExpression "slot === -1" "true" -- why no test could tell them apart
import { readFileSync } from "node:fs"

export interface Equivalent {
  readonly file: string
  readonly mutator: string
  readonly original: string
  readonly replacement: string
  readonly reason: string
  /** Where it stands in the equivalents file, for messages. */
  readonly at: number
}

const entry = /^(\S+) (\S+) ("(?:[^"\\]|\\.)*") ("(?:[^"\\]|\\.)*") -- (\S.*)$/

export class EquivalentsFileError extends Error {
  override readonly name = "EquivalentsFileError"
}

export const readEquivalents = (path: string): ReadonlyArray<Equivalent> =>
  readFileSync(path, "utf8")
    .split("\n")
    .flatMap((text, i) => {
      if (text.trim() === "" || text.startsWith("#")) return []
      const m = entry.exec(text)
      if (m === null) {
        throw new EquivalentsFileError(
          `${path}:${i + 1}: expected 'FILE MUTATOR "original code" "replacement" -- reason', got: ${text}`
        )
      }
      const [, file, mutator, original, replacement, reason] = m as unknown as [
        string,
        string,
        string,
        string,
        string,
        string
      ]
      return [
        { file, mutator, original: JSON.parse(original), replacement: JSON.parse(replacement), reason, at: i + 1 }
      ]
    })

export interface Mutant {
  readonly file: string
  readonly mutator: string
  /** The code the mutant replaces, exactly as it stands in the file. */
  readonly original: string
  readonly replacement: string
}

export const sameMutant = (e: Equivalent, m: Mutant): boolean =>
  e.file === m.file && e.mutator === m.mutator && e.original === m.original && e.replacement === m.replacement

/** The line `FILE MUTATOR "original" "replacement" -- ` for a mutant, ready to complete with a reason. */
export const entryFor = (m: Mutant): string =>
  `${m.file} ${m.mutator} ${JSON.stringify(m.original)} ${JSON.stringify(m.replacement)} -- `
