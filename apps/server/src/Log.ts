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

/** The virtual time is logged beside the wall time once they are this far apart (clock advanced, set or frozen). */
export const virtualTimeShownFromMs = 1000

/**
 * `time` is always the machine's wall time, so the lines line up with every other log of the machine; when the
 * virtual clock (`virtualNow`) is a second or more away from it, `virtualTime` says what the emulator's time is.
 */
export const makeLogger = (
  level: LogLevel,
  sink: (line: string) => void,
  virtualNow: () => number,
  wallNow: () => number = Date.now
): Logger => {
  const threshold = rank[level]
  const enabled = (l: LogLevel) => rank[l] >= threshold
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
      sink(JSON.stringify(line))
    }
  }
}
