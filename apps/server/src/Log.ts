// Structured logs: one JSON line per event, lifecycle at info, one line per request at debug only (the hot path
// checks the level before building anything).
export type LogLevel = "debug" | "info" | "warn" | "error" | "silent"

const rank: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 }

export const logLevels = Object.keys(rank) as ReadonlyArray<LogLevel>

export interface Logger {
  readonly level: LogLevel
  readonly enabled: (level: LogLevel) => boolean
  readonly log: (level: Exclude<LogLevel, "silent">, message: string, fields?: Record<string, unknown>) => void
}

export const makeLogger = (level: LogLevel, sink: (line: string) => void, now: () => number): Logger => {
  const threshold = rank[level]
  const enabled = (l: LogLevel) => rank[l] >= threshold
  return {
    level,
    enabled,
    log: (l, message, fields) => {
      if (!enabled(l)) return
      sink(JSON.stringify({ time: new Date(now()).toISOString(), level: l, message, ...fields }))
    }
  }
}
