// Structured logs: one line per event, JSON (the default) or human-readable, lifecycle at info, one line per metadata
// request at debug only (the hot path checks the level before building anything).
export type LogLevel = "debug" | "info" | "warn" | "error" | "silent"

const rank: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 }

export const logLevels = Object.keys(rank) as ReadonlyArray<LogLevel>

/** `json`: one JSON object per line, for machines; `human`: `time LEVEL message key=value…`, for a terminal. */
export const logFormats = ["json", "human"] as const
export type LogFormat = (typeof logFormats)[number]

export interface Logger {
  readonly level: LogLevel
  readonly enabled: (level: LogLevel) => boolean
  readonly log: (level: Exclude<LogLevel, "silent">, message: string, fields?: Record<string, unknown>) => void
}

export interface LoggerOptions {
  readonly format?: LogFormat
  /** The machine's clock; `Date.now` unless a test fixes it. */
  readonly wallNow?: () => number
}

/** The virtual time is logged beside the wall time once they are this far apart (clock advanced, set or frozen). */
export const virtualTimeShownFromMs = 1000

/** A field's value in a human line: bare when it reads unambiguously, JSON otherwise; fractions to 3 places. */
const humanValue = (value: unknown): string => {
  if (typeof value === "number") return String(Math.round(value * 1000) / 1000)
  return typeof value === "string" && /^[^\s"=]+$/.test(value) ? value : JSON.stringify(value)
}

/** `time [virtual=…] LEVEL message key=value…`; fields that are null or undefined are left out. */
const humanLine = (line: Record<string, unknown>): string => {
  const { time, virtualTime, level, message, ...fields } = line
  const head = [time, ...(virtualTime === undefined ? [] : [`virtual=${virtualTime}`])]
  const rest = Object.entries(fields)
    .filter(([, v]) => v !== null && v !== undefined)
    .map(([k, v]) => `${k}=${humanValue(v)}`)
  return [...head, String(level).toUpperCase().padEnd(5), message, ...rest].join(" ")
}

/**
 * `time` is always the machine's wall time, so the lines line up with every other log of the machine; when the
 * virtual clock (`virtualNow`) is a second or more away from it, `virtualTime` says what the emulator's time is.
 */
export const makeLogger = (
  level: LogLevel,
  sink: (line: string) => void,
  virtualNow: () => number,
  options: LoggerOptions = {}
): Logger => {
  const threshold = rank[level]
  const enabled = (l: LogLevel) => rank[l] >= threshold
  const wallNow = options.wallNow ?? Date.now
  const render = options.format === "human" ? humanLine : JSON.stringify
  return {
    level,
    enabled,
    log: (l, message, fields) => {
      if (!enabled(l)) return
      const wall = wallNow()
      const virtual = virtualNow()
      const time = new Date(wall).toISOString()
      const line =
        Math.abs(virtual - wall) >= virtualTimeShownFromMs
          ? { time, virtualTime: new Date(virtual).toISOString(), level: l, message, ...fields }
          : { time, level: l, message, ...fields }
      sink(render(line))
    }
  }
}
