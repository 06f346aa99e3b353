// Where command output goes: stdout through Effect's `Stdio` (exact bytes, no added newline), with helpers for
// aligned tables, key/value blocks and JSON. Colour only when stdout is a terminal and NO_COLOR is unset.
import { Config, Context, Effect, Layer, Stdio, Stream } from "effect"

export interface OutputApi {
  /** stdout is a terminal: humans get tables, colour and a final newline after raw bodies. */
  readonly isTty: boolean
  readonly color: boolean
  /** Exactly these bytes. */
  readonly write: (chunk: string | Uint8Array) => Effect.Effect<void>
  readonly line: (text: string) => Effect.Effect<void>
  /** Pretty JSON (one document). */
  readonly json: (value: unknown) => Effect.Effect<void>
  /** One JSON value per line, for streams (`--watch`, `--follow`). */
  readonly jsonLine: (value: unknown) => Effect.Effect<void>
  /** A line on stderr (notes that must not pollute piped stdout). */
  readonly note: (text: string) => Effect.Effect<void>
}

export class Output extends Context.Service<Output, OutputApi>()("@aliyun-imds/cli/Output") {
  static readonly layer = Layer.effect(
    Output,
    Effect.gen(function* () {
      const stdio = yield* Stdio.Stdio
      const isTty = yield* stdio.stdoutIsTerminal
      const noColor = yield* Config.String("NO_COLOR").pipe(Config.withDefault(""))
      const term = yield* Config.String("TERM").pipe(Config.withDefault(""))
      const color = isTty && noColor === "" && term !== "dumb"
      const to = (sink: typeof stdio.stdout) => (chunk: string | Uint8Array) =>
        Stream.run(Stream.succeed(chunk), sink({ endOnDone: false })).pipe(Effect.orDie)
      const write = to(stdio.stdout)
      const line = (text: string) => write(`${text}\n`)
      return Output.of({
        isTty,
        color,
        write,
        line,
        json: (value) => line(JSON.stringify(value, null, 2)),
        jsonLine: (value) => line(JSON.stringify(value)),
        note: (text) => to(stdio.stderr)(`${text}\n`)
      })
    })
  )
}

const ansi = (code: number) => (on: boolean, text: string) => (on ? `\x1b[${code}m${text}\x1b[0m` : text)
export const bold = ansi(1)
export const dim = ansi(2)
export const red = ansi(31)
export const green = ansi(32)
export const yellow = ansi(33)
export const cyan = ansi(36)

const visibleLength = (text: string) => text.replace(/\x1b\[[0-9;]*m/g, "").length

export type Align = "left" | "right"

/** Columns padded to their widest cell; numbers are usually right-aligned. Header bold when colour is on. */
export const renderTable = (
  headers: ReadonlyArray<string>,
  rows: ReadonlyArray<ReadonlyArray<string>>,
  options: { readonly color?: boolean; readonly align?: ReadonlyArray<Align> } = {}
): string => {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => visibleLength(r[i] ?? ""))))
  const cell = (text: string, i: number) => {
    const gap = " ".repeat(widths[i]! - visibleLength(text))
    return options.align?.[i] === "right" ? gap + text : text + gap
  }
  const format = (cells: ReadonlyArray<string>) => cells.map(cell).join("  ").replace(/\s+$/, "")
  const head = format(headers)
  return [options.color ? bold(true, head) : head, ...rows.map(format)].join("\n")
}

/** `key  value` lines with the keys aligned. */
export const renderFields = (fields: ReadonlyArray<readonly [string, string]>, color = false): string => {
  const width = Math.max(0, ...fields.map(([k]) => k.length))
  return fields.map(([k, v]) => `${dim(color, `${k}:`.padEnd(width + 1))} ${v}`).join("\n")
}
