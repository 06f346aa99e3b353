// One metadata exchange over fetch (effect/http): a deadline per attempt (connect + read), retries with exponential
// backoff and jitter on 429, 5xx, timeouts and connection errors, all inside one overall budget. Interrupting the
// calling fiber aborts the fetch in flight and stops the retries.
import { Clock, Effect, Random } from "effect"
import type { HttpClient, HttpClientError } from "effect/http"
import { FetchHttpClient, HttpClientRequest } from "effect/http"
import type { ResolvedOptions } from "./Config.ts"
import { type AccessMode, ServerError, Throttled, Timeout, Transport } from "./Errors.ts"

export interface WireRequest {
  readonly method: "GET" | "PUT"
  /** Absolute path, e.g. `/latest/meta-data/instance-id`. */
  readonly path: string
  readonly headers: Readonly<Record<string, string>>
  readonly mode: AccessMode
}

/** A final answer: 2xx, or a status that retrying cannot fix (4xx other than 429). */
export interface WireReply {
  readonly status: number
  readonly body: Uint8Array
  readonly attempts: number
}

export type TransportError = Throttled | ServerError | Timeout | Transport

export type Send = (request: WireRequest) => Effect.Effect<WireReply, TransportError>

export type TransportPolicy = Pick<
  ResolvedOptions,
  | "endpoint"
  | "socket"
  | "attemptTimeoutMs"
  | "maxAttempts"
  | "totalTimeoutMs"
  | "backoffBaseMs"
  | "backoffMaxMs"
  | "userAgent"
>

type Outcome =
  | { readonly _tag: "Reply"; readonly status: number; readonly body: Uint8Array; readonly retryAfterMs: number }
  | { readonly _tag: "TimedOut" }
  | { readonly _tag: "Failed"; readonly cause: string }

const timedOut: Outcome = { _tag: "TimedOut" }

const retryable = (o: Outcome): boolean => o._tag !== "Reply" || o.status === 429 || o.status >= 500

/** `Retry-After` in seconds (the emulator's throttle sends it); dates and garbage count as absent. */
const retryAfterMs = (value: string | undefined): number => {
  const seconds = value === undefined ? Number.NaN : Number(value)
  return Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : 0
}

/** Node's fetch hides the reason (ECONNREFUSED, socket closed…) one level down in `cause`. */
const describe = (error: HttpClientError.HttpClientError): string => {
  const cause = (error.reason as { readonly cause?: unknown }).cause
  if (!(cause instanceof Error)) return error.reason._tag
  const inner = cause.cause as { readonly code?: unknown; readonly message?: unknown } | undefined
  const detail = inner?.code ?? inner?.message
  return detail === undefined ? cause.message : `${cause.message} (${String(detail)})`
}

/** A `fetch` for a `unix:` endpoint; node:http is loaded on its first request only. */
const socketFetch = (path: string): typeof globalThis.fetch => {
  let loaded: Promise<typeof globalThis.fetch> | undefined
  return ((input: RequestInfo | URL, init?: RequestInit) => {
    loaded ??= import("./UnixFetch.ts").then((m) => m.unixSocketFetch(path))
    return loaded.then((send) => send(input, init))
  }) as typeof globalThis.fetch
}

export const makeSend = (client: HttpClient.HttpClient, policy: TransportPolicy): Send => {
  const viaSocket = policy.socket === null ? null : socketFetch(policy.socket)
  const execute = (request: WireRequest) => {
    const sent = client.execute(
      HttpClientRequest.make(request.method)(`${policy.endpoint}${request.path}`, {
        headers: { "user-agent": policy.userAgent, ...request.headers }
      })
    )
    return viaSocket === null ? sent : Effect.provideService(sent, FetchHttpClient.Fetch, viaSocket)
  }
  const attemptOnce = (request: WireRequest): Effect.Effect<Outcome> =>
    execute(request).pipe(
      Effect.flatMap((response) =>
        Effect.map(
          response.arrayBuffer,
          (buffer): Outcome => ({
            _tag: "Reply",
            status: response.status,
            body: new Uint8Array(buffer),
            retryAfterMs: retryAfterMs(response.headers["retry-after"])
          })
        )
      ),
      Effect.timeoutOrElse({ duration: policy.attemptTimeoutMs, orElse: () => Effect.succeed(timedOut) }),
      Effect.catch((error) => Effect.succeed<Outcome>({ _tag: "Failed", cause: describe(error) }))
    )

  /** Equal jitter: half the exponential step is fixed, half random; a Retry-After hint raises it up to the cap. */
  const backoff = (attempt: number, outcome: Outcome) =>
    Effect.map(Random.next, (r) => {
      const step = Math.min(policy.backoffMaxMs, policy.backoffBaseMs * 2 ** (attempt - 1))
      const hinted = outcome._tag === "Reply" ? outcome.retryAfterMs : 0
      return Math.min(policy.backoffMaxMs, Math.max(step / 2 + (r * step) / 2, hinted))
    })

  const failure = (request: WireRequest, outcome: Outcome, attempts: number): TransportError => {
    const base = { path: request.path, attempts, mode: request.mode }
    switch (outcome._tag) {
      case "TimedOut":
        return new Timeout({ ...base, status: 0, budget: "attempt", timeoutMs: policy.attemptTimeoutMs })
      case "Failed":
        return new Transport({ ...base, status: 0, cause: outcome.cause })
      case "Reply":
        return outcome.status === 429
          ? new Throttled({ ...base, status: 429 })
          : new ServerError({ ...base, status: outcome.status })
    }
  }

  return (request) =>
    Effect.suspend(() => {
      let attempts = 0
      const loop = Effect.gen(function* () {
        const started = yield* Clock.currentTimeMillis
        while (true) {
          attempts++
          const outcome = yield* attemptOnce(request)
          if (outcome._tag === "Reply" && !retryable(outcome)) {
            return { status: outcome.status, body: outcome.body, attempts }
          }
          if (attempts >= policy.maxAttempts) return yield* Effect.fail(failure(request, outcome, attempts))
          const delay = yield* backoff(attempts, outcome)
          const elapsed = (yield* Clock.currentTimeMillis) - started
          // Sleeping past the budget only to be cut off is pointless: report the real cause now.
          if (elapsed + delay >= policy.totalTimeoutMs) return yield* Effect.fail(failure(request, outcome, attempts))
          yield* Effect.sleep(delay)
        }
      })
      return Effect.timeoutOrElse(loop, {
        duration: policy.totalTimeoutMs,
        orElse: () =>
          Effect.fail(
            new Timeout({
              path: request.path,
              status: 0,
              attempts,
              mode: request.mode,
              budget: "total",
              timeoutMs: policy.totalTimeoutMs
            })
          )
      })
    })
}
