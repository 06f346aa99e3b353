// Options of an emulator process: listeners, fleet source, defaults for instances the file leaves unset, and the
// switches for behaviour the spec marks unknown ([?]) — each with the spec's suggested default.
import type { FleetConfig, IdentityPem } from "@aliyun-imds/core"
import type { LogFormat, LogLevel } from "./Log.ts"

export interface DataPlaneBehaviour {
  /** What a disabled endpoint (HttpEndpoint=disabled) does: 403 on every path, reset the connection, or never answer. */
  readonly disabledEndpoint: "forbidden" | "reset" | "blackhole"
  /** Status of a PUT on `/2016-01-01/api/token` (unknown on Alibaba; AWS refuses versioned token paths). */
  readonly versionedTokenPut: 403 | 404
  /** `Server` response header, none by default. */
  readonly serverHeader: string | null
  /** Health path on the metadata listener (outside the real tree); null turns it off for byte-faithful 404s. */
  readonly healthPath: string | null
  /** How long a black-holed request is held before its connection is dropped. */
  readonly blackholeMaxMs: number
}

export const defaultBehaviour: DataPlaneBehaviour = {
  disabledEndpoint: "forbidden",
  versionedTokenPut: 404,
  serverHeader: null,
  healthPath: "/_emulator/health",
  blackholeMaxMs: 120_000
}

/** Which requests the journal names the calling process of (Linux): all, normal-mode (token-less) only, or none. */
export const attributePolicies = ["all", "normal", "off"] as const
export type AttributePolicy = (typeof attributePolicies)[number]

export interface ServerOptions {
  /** Metadata listener address; default 127.0.0.1. */
  readonly host?: string
  /** Metadata listener port; 0 picks a free port (the default). */
  readonly port?: number
  /** Metadata listener on this Unix socket path (mode 0600) instead of TCP; its clients are unmatched peers, served by
   * the fleet's default instance. A socket file left by a dead process is replaced; a live one is refused. */
  readonly socket?: string
  /** Admin listener address; default 127.0.0.1. A non-loopback address requires `adminToken`. */
  readonly adminHost?: string
  readonly adminPort?: number
  /** Admin listener on this Unix socket path instead of TCP (reachable across network namespaces; file permissions
   * guard it, so no token is required). A socket file left by a dead process is replaced; a live one is refused. */
  readonly adminSocket?: string
  readonly adminToken?: string
  /** The web console's built files (a folder with index.html); default the package's own, or none (a notice page). */
  readonly consoleDir?: string
  /** ECS API listener address; default 127.0.0.1. */
  readonly ecsHost?: string
  /** ECS API listener port; 0 picks a free port (the default). */
  readonly ecsPort?: number
  /** No ECS API listener. */
  readonly noEcs?: boolean
  /** A fleet file (YAML or JSON) to load and reload; or an already decoded fleet; default one generated instance. */
  readonly configPath?: string
  readonly fleet?: FleetConfig
  /** Seed of generated values when no file is given (the file's own `seed` wins otherwise). */
  readonly seed?: string
  /** Metadata options for instances the file does not set. */
  readonly httpTokens?: "optional" | "required"
  /** GET on the token path for fleets whose `wire.tokenGet` is unset: "405" (default) or "issue" (as a PUT). */
  readonly tokenGet?: "405" | "issue"
  readonly httpEndpoint?: "enabled" | "disabled"
  /** Persisted identity signing material; generated when absent. */
  readonly identity?: IdentityPem
  /** A JSON file holding the identity material: read when it exists, written with new material when it does not. */
  readonly identityPath?: string
  /** A JSON file keeping everything changed at run time across restarts (created if missing; see the README). */
  readonly statePath?: string
  /** When the state file cannot be used (unreadable, corrupt, newer version): move it aside and start fresh. */
  readonly stateReset?: boolean
  /** Seconds between saves of what requests change (counters, counted fault rules); default 5. */
  readonly stateFlushSeconds?: number
  readonly behaviour?: Partial<DataPlaneBehaviour>
  /** Seconds a new connection has to send a complete request head (request line and headers); default 10. */
  readonly headerTimeoutSeconds?: number
  /** Seconds after a response within which the next complete request head must arrive; default 5. */
  readonly keepAliveTimeoutSeconds?: number
  /** Open connections per listener; past it the oldest one not answering a request is closed, else the new one. */
  readonly maxConnections?: number
  /** Admin request bodies above this many bytes are refused with 413; default 1 MiB. */
  readonly adminBodyLimitBytes?: number
  /** Default `normal`: token-less requests, the ones a move to HttpTokens=required breaks, but no token-mode ones. */
  readonly attribute?: AttributePolicy
  readonly logLevel?: LogLevel
  /** `json` (default): one JSON object per line; `human`: one readable `time LEVEL message key=value…` line. */
  readonly logFormat?: LogFormat
  /** Where log lines go; stderr by default. */
  readonly logSink?: (line: string) => void
}
