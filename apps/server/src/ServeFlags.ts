// The flags of a serving process, declared once as data: the server's own entry (main.ts) and the CLI's `serve`
// both derive their parsers, help and checks from this table, so a flag is added or documented in one place.
import { tokenGetPolicies } from "@aliyun-imds/core"
import { HttpEndpoint, HttpTokens } from "@aliyun-imds/core/enumerations"
import { logFormats } from "./Log.ts"
import { attributePolicies, type ServerOptions } from "./ServerOptions.ts"

interface Common {
  /** The command-line name, without `--`. */
  readonly flag: string
  readonly description: string
  /** An environment variable the CLI falls back to. */
  readonly env?: string
}

export type ServeFlag =
  | (Common & { readonly kind: "text"; readonly default?: string })
  | (Common & { readonly kind: "port"; readonly default: number })
  | (Common & { readonly kind: "choice"; readonly values: ReadonlyArray<string> })
  /** Present or not (`--state-reset`). */
  | (Common & { readonly kind: "switch" })
  /** A positive number of seconds. */
  | (Common & { readonly kind: "seconds" })
  /** A whole number of at least 1. */
  | (Common & { readonly kind: "count" })

type Key =
  | "host"
  | "port"
  | "adminHost"
  | "adminPort"
  | "adminSocket"
  | "adminToken"
  | "ecsHost"
  | "ecsPort"
  | "noEcs"
  | "configPath"
  | "seed"
  | "identityPath"
  | "statePath"
  | "stateReset"
  | "stateFlushSeconds"
  | "headerTimeoutSeconds"
  | "keepAliveTimeoutSeconds"
  | "maxConnections"
  | "adminBodyLimitBytes"

/** Each flag by the ServerOptions field it sets. */
export const serveFlags = {
  host: { flag: "host", kind: "text", description: "Metadata listener address", default: "127.0.0.1" },
  port: { flag: "port", kind: "port", env: "ALIYUN_IMDS_PORT", default: 8100, description: "Metadata listener port" },
  adminHost: {
    flag: "admin-host",
    kind: "text",
    description: "Admin listener address (a non-loopback address needs --admin-token)",
    default: "127.0.0.1"
  },
  adminPort: {
    flag: "admin-port",
    kind: "port",
    env: "ALIYUN_IMDS_ADMIN_PORT",
    default: 8101,
    description: "Admin listener port"
  },
  socket: {
    flag: "socket",
    kind: "text",
    description:
      "Metadata listener on this Unix socket (mode 0600) instead of TCP (client commands: --endpoint unix:PATH)"
  },
  adminSocket: {
    flag: "admin-socket",
    kind: "text",
    description: "Admin listener on this Unix socket instead of TCP (admin commands: --admin unix:PATH)"
  },
  adminToken: {
    flag: "admin-token",
    kind: "text",
    env: "ALIYUN_IMDS_ADMIN_TOKEN",
    description: "Require this bearer token on the admin API"
  },
  ecsHost: {
    flag: "ecs-host",
    kind: "text",
    description: "ECS API listener address (ECS RPC signed with the fleet's AccessKeys or an instance's STS keys)",
    default: "127.0.0.1"
  },
  ecsPort: {
    flag: "ecs-port",
    kind: "port",
    env: "ALIYUN_IMDS_ECS_PORT",
    default: 8102,
    description: "ECS API listener port"
  },
  noEcs: { flag: "no-ecs", kind: "switch", description: "Do not start the ECS API listener" },
  configPath: {
    flag: "config",
    kind: "text",
    description: "Fleet file (YAML or JSON; see 'aliyun-imds init' and 'aliyun-imds schema')"
  },
  seed: { flag: "seed", kind: "text", description: "Seed for generated values (ids, addresses)" },
  identityPath: {
    flag: "identity",
    kind: "text",
    description: "JSON file keeping the identity signing certificate across restarts (created if missing)"
  },
  statePath: {
    flag: "state",
    kind: "text",
    description:
      "JSON file keeping everything changed at run time (options, instances, roles, clock, rules, counters, token " +
      "keys, identity certificate) across restarts; created if missing, one emulator at a time"
  },
  stateReset: {
    flag: "state-reset",
    kind: "switch",
    description: "When the --state file is unreadable, corrupt or from a newer version: move it aside and start fresh"
  },
  stateFlushSeconds: {
    flag: "state-flush",
    kind: "seconds",
    description:
      "Seconds between saves of request counters to the --state file (default 5; admin changes are saved at once)"
  },
  headerTimeoutSeconds: {
    flag: "header-timeout",
    kind: "seconds",
    description:
      "Seconds a new connection has to send a complete request line and headers before it is closed, on every " +
      "listener (default 10)"
  },
  keepAliveTimeoutSeconds: {
    flag: "keep-alive-timeout",
    kind: "seconds",
    description:
      "Seconds after a response within which the next complete request head must arrive, else the connection is " +
      "closed (default 5)"
  },
  maxConnections: {
    flag: "max-connections",
    kind: "count",
    description:
      "Open connections per listener (default 1024); past it a new connection closes the oldest one that is not " +
      "answering a request, or is itself closed when all are"
  },
  adminBodyLimitBytes: {
    flag: "admin-body-limit",
    kind: "count",
    description:
      "Largest admin request body in bytes; a larger one is answered 413 and changes nothing (default 1048576)"
  },
  httpTokens: {
    flag: "http-tokens",
    kind: "choice",
    values: HttpTokens.literals,
    description: "HttpTokens of instances the fleet file does not set (required = forced hardened mode)"
  },
  httpEndpoint: {
    flag: "http-endpoint",
    kind: "choice",
    values: HttpEndpoint.literals,
    description: "HttpEndpoint of instances the fleet file does not set"
  },
  attribute: {
    flag: "attribute",
    kind: "choice",
    values: attributePolicies,
    description:
      "Journal the calling process (pid, executable, command line; Linux) of all requests, of normal-mode " +
      "(token-less) ones only, or of none (default normal)"
  },
  logFormat: {
    flag: "log-format",
    kind: "choice",
    values: logFormats,
    description:
      "Log lines as JSON objects (default) or as one readable 'time LEVEL message key=value…' line each; " +
      "--log-level debug adds one line per metadata request"
  },
  tokenGet: {
    flag: "token-get",
    kind: "choice",
    values: tokenGetPolicies,
    description:
      "GET on /latest/api/token: 405 refuses it (default), issue answers it as a PUT (for @alicloud/credentials " +
      "2.3.1-era clients); a fleet file's wire.tokenGet wins"
  }
} as const satisfies Record<Key | "httpTokens" | "httpEndpoint" | "attribute", ServeFlag> &
  Partial<Record<keyof ServerOptions, ServeFlag>>

/** The help line of a flag: its description, plus its variable and default where it has them. */
export const serveFlagHelp = (spec: ServeFlag): string => {
  const notes = [
    ...(spec.env === undefined ? [] : [`env ${spec.env}`]),
    ...(spec.kind === "port" ? [`default ${spec.default}; 0 picks a free port`] : [])
  ]
  return notes.length === 0 ? spec.description : `${spec.description} (${notes.join(", ")})`
}
