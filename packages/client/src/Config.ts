// Client options: their defaults, eager validation, and the only place the environment is read (through Effect
// `Config`, so tests swap the ConfigProvider instead of mutating process.env).
import { Config, Effect, Option } from "effect"
import { InvalidOptions } from "./Errors.ts"

/** `token`: hardened mode only. `normal`: token-less only. `auto`: token, falling back to normal when allowed. */
export type ImdsMode = "token" | "normal" | "auto"

export interface ImdsClientOptions {
  /** Base URL; else env `ALIBABA_CLOUD_IMDS_ENDPOINT`; else `http://100.100.100.200`. A bare host gets `http://`;
   * `unix:PATH` reaches an emulator listening on a Unix socket (over the Fetch client). */
  readonly endpoint?: string
  /** Default `token`. */
  readonly mode?: ImdsMode
  /** In `auto` mode, allow normal-mode requests when tokens are unavailable. Default true, forced false by env
   * `ALIBABA_CLOUD_IMDSV1_DISABLED=true`. */
  readonly fallback?: boolean
  /** Token lifetime asked for, 1..21600 seconds. Default 21600. */
  readonly tokenTtlSeconds?: number
  /** A cached token is replaced this long before it expires. Default 60 s, at most half the TTL. */
  readonly tokenRefreshMarginSeconds?: number
  /** Connect and read time of one attempt; their sum is the attempt's deadline (fetch has no separate connect
   * phase to time). Default 1000 ms each. */
  readonly connectTimeoutMs?: number
  readonly readTimeoutMs?: number
  /** Attempts per request on 429, 5xx, timeouts and connection errors. Default 4. */
  readonly maxAttempts?: number
  /** Budget for one HTTP exchange including its retries and backoff (the token PUT and the one re-try after a
   * 401 each get their own). Default 10 000 ms. */
  readonly totalTimeoutMs?: number
  /** Exponential backoff: base × 2^(n−1), capped, with half of it jittered. Defaults 100 ms and 2000 ms. */
  readonly backoffBaseMs?: number
  readonly backoffMaxMs?: number
  /** After a fallback in `auto` mode, skip the token PUT for this long. Default 60 000 ms. */
  readonly fallbackMemoryMs?: number
  readonly userAgent?: string
  /** Epoch-ms time source for token and credential expiry; default the Effect `Clock`. Tests inject the
   * emulator's virtual clock here. Timeouts and backoff always use real time. */
  readonly now?: () => number
}

export interface ResolvedOptions {
  readonly endpoint: string
  /** The Unix socket a `unix:PATH` endpoint names (then `endpoint` is `http://localhost`), else null. */
  readonly socket: string | null
  readonly mode: ImdsMode
  readonly fallback: boolean
  readonly imdsV1Disabled: boolean
  readonly tokenTtlSeconds: number
  readonly tokenRefreshMarginMs: number
  readonly attemptTimeoutMs: number
  readonly maxAttempts: number
  readonly totalTimeoutMs: number
  readonly backoffBaseMs: number
  readonly backoffMaxMs: number
  readonly fallbackMemoryMs: number
  readonly userAgent: string
  readonly now: (() => number) | null
}

export const defaultEndpoint = "http://100.100.100.200"
export const maxTokenTtlSeconds = 21_600
export const defaultUserAgent = "aliyun-imds-client/0.1.0"

/** What the environment contributes. */
export interface ImdsEnvironment {
  readonly endpoint: Option.Option<string>
  readonly imdsV1Disabled: boolean
}

export const ImdsEnvConfig: Config.Config<ImdsEnvironment> = Config.all({
  endpoint: Config.String("ALIBABA_CLOUD_IMDS_ENDPOINT").pipe(Config.option),
  imdsV1Disabled: Config.Boolean("ALIBABA_CLOUD_IMDSV1_DISABLED").pipe(Config.withDefault(false))
})

const invalid = (field: string, detail: string) => new InvalidOptions({ field, detail })

const normaliseEndpoint = (raw: string): string => {
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(raw) ? raw : `http://${raw}`
  let url: URL
  try {
    url = new URL(withScheme)
  } catch {
    throw invalid("endpoint", `not a URL: ${raw}`)
  }
  if (url.protocol !== "http:" && url.protocol !== "https:")
    throw invalid("endpoint", `unsupported scheme ${url.protocol}`)
  return `${url.protocol}//${url.host}${url.pathname.replace(/\/+$/, "")}`
}

const numberIn = (field: string, value: number | undefined, fallback: number, min: number, max: number): number => {
  const v = value ?? fallback
  if (typeof v === "number" && v >= min && v <= max) return v
  throw invalid(field, `must be a number in ${min}..${max}, got ${String(v)}`)
}

/** `unix:PATH` → the socket and the URL its requests carry; anything else → an http(s) base URL. */
const parseEndpoint = (raw: string): { readonly endpoint: string; readonly socket: string | null } => {
  if (!raw.startsWith("unix:")) return { endpoint: normaliseEndpoint(raw), socket: null }
  const socket = raw.slice("unix:".length)
  if (socket === "") throw invalid("endpoint", "unix: needs the socket's path, e.g. unix:/tmp/aliyun-imds.sock")
  return { endpoint: "http://localhost", socket }
}

const resolveOrThrow = (options: ImdsClientOptions, env: ImdsEnvironment): ResolvedOptions => {
  const { endpoint, socket } = parseEndpoint(options.endpoint ?? Option.getOrElse(env.endpoint, () => defaultEndpoint))
  const mode = options.mode ?? "token"
  if (mode !== "token" && mode !== "normal" && mode !== "auto") throw invalid("mode", `unknown mode ${String(mode)}`)
  if (mode === "normal" && env.imdsV1Disabled) {
    throw invalid("mode", "mode 'normal' conflicts with ALIBABA_CLOUD_IMDSV1_DISABLED=true; use mode 'token'")
  }
  const ttl = Math.floor(
    numberIn("tokenTtlSeconds", options.tokenTtlSeconds, maxTokenTtlSeconds, 1, maxTokenTtlSeconds)
  )
  const margin = numberIn("tokenRefreshMarginSeconds", options.tokenRefreshMarginSeconds, 60, 0, maxTokenTtlSeconds)
  return {
    endpoint,
    socket,
    mode,
    fallback: mode === "auto" && (options.fallback ?? true) && !env.imdsV1Disabled,
    imdsV1Disabled: env.imdsV1Disabled,
    tokenTtlSeconds: ttl,
    tokenRefreshMarginMs: Math.min(margin * 1000, (ttl * 1000) / 2),
    attemptTimeoutMs:
      numberIn("connectTimeoutMs", options.connectTimeoutMs, 1000, 1, 600_000) +
      numberIn("readTimeoutMs", options.readTimeoutMs, 1000, 1, 600_000),
    maxAttempts: Math.floor(numberIn("maxAttempts", options.maxAttempts, 4, 1, 100)),
    totalTimeoutMs: numberIn("totalTimeoutMs", options.totalTimeoutMs, 10_000, 1, 3_600_000),
    backoffBaseMs: numberIn("backoffBaseMs", options.backoffBaseMs, 100, 0, 600_000),
    backoffMaxMs: numberIn("backoffMaxMs", options.backoffMaxMs, 2000, 0, 600_000),
    fallbackMemoryMs: numberIn("fallbackMemoryMs", options.fallbackMemoryMs, 60_000, 0, 86_400_000),
    userAgent: options.userAgent ?? defaultUserAgent,
    now: options.now ?? null
  }
}

/** Options + environment → validated settings, or the first problem found. Pure. */
export const resolveOptions = (options: ImdsClientOptions, env: ImdsEnvironment): ResolvedOptions | InvalidOptions => {
  try {
    return resolveOrThrow(options, env)
  } catch (e) {
    if (e instanceof InvalidOptions) return e
    throw e
  }
}

/** Reads the environment through `Config` and validates; the facade and the layers call this, nothing else does. */
export const loadOptions = (options: ImdsClientOptions = {}) =>
  Effect.flatMap(ImdsEnvConfig, (env) => {
    const resolved = resolveOptions(options, env)
    return resolved instanceof InvalidOptions ? Effect.fail(resolved) : Effect.succeed(resolved)
  })
