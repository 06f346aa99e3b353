// The limits every listener (metadata, admin, ECS) puts on its connections, and the admin plane on request bodies:
// their defaults and the checks their values must pass. Enforced by platform/connectionGuard.ts and the admin plane.

export interface ConnectionLimits {
  /** A new connection must deliver a complete request head (request line and headers) within this. */
  readonly headerTimeoutMs: number
  /** After a response, the next complete request head must arrive within this, or the connection is closed. */
  readonly keepAliveTimeoutMs: number
  /** Open connections per listener. Past it, a new connection closes the oldest one that is not answering a request
   * (idle, or still sending its head); when every one is answering, the new connection is closed at once. */
  readonly maxConnections: number
}

export const defaultConnectionLimits: ConnectionLimits = {
  headerTimeoutMs: 10_000,
  keepAliveTimeoutMs: 5_000,
  maxConnections: 1024
}

/** Admin request bodies above this many bytes are refused with 413 before the operation runs. */
export const defaultAdminBodyLimitBytes = 1_048_576

/** The longest a timer can wait (2^31 - 1 ms, about 24.8 days); longer ones would fire at once. */
const maxTimeoutSeconds = 2_147_483

interface LimitInputs {
  readonly headerTimeoutSeconds?: number
  readonly keepAliveTimeoutSeconds?: number
  readonly maxConnections?: number
  readonly adminBodyLimitBytes?: number
}

const checkSeconds = (option: string, flag: string, value: number): string | null =>
  value > 0 && value <= maxTimeoutSeconds
    ? null
    : `${option} (--${flag}) must be a number of seconds above 0 and at most ${maxTimeoutSeconds} (got ${value})`

const checkCount = (option: string, flag: string, value: number): string | null =>
  Number.isSafeInteger(value) && value >= 1
    ? null
    : `${option} (--${flag}) must be a whole number of at least 1 (got ${value})`

/** The limits the options ask for, or the first problem (naming the option and its flag). */
export const connectionLimitsOf = (
  options: LimitInputs
): { readonly limits: ConnectionLimits; readonly adminBodyLimitBytes: number } | { readonly problem: string } => {
  const header = options.headerTimeoutSeconds
  const keepAlive = options.keepAliveTimeoutSeconds
  const problem =
    (header === undefined ? null : checkSeconds("headerTimeoutSeconds", "header-timeout", header)) ??
    (keepAlive === undefined ? null : checkSeconds("keepAliveTimeoutSeconds", "keep-alive-timeout", keepAlive)) ??
    (options.maxConnections === undefined
      ? null
      : checkCount("maxConnections", "max-connections", options.maxConnections)) ??
    (options.adminBodyLimitBytes === undefined
      ? null
      : checkCount("adminBodyLimitBytes", "admin-body-limit", options.adminBodyLimitBytes))
  if (problem !== null) return { problem }
  return {
    limits: {
      headerTimeoutMs: header === undefined ? defaultConnectionLimits.headerTimeoutMs : header * 1000,
      keepAliveTimeoutMs: keepAlive === undefined ? defaultConnectionLimits.keepAliveTimeoutMs : keepAlive * 1000,
      maxConnections: options.maxConnections ?? defaultConnectionLimits.maxConnections
    },
    adminBodyLimitBytes: options.adminBodyLimitBytes ?? defaultAdminBodyLimitBytes
  }
}
