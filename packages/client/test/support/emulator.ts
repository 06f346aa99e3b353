// Test support: an emulator on loopback (port 0) per suite, the journal as the source of truth for what was sent,
// the fault table as the witness of requests the server holds, and clients (Promise and Effect) wired to it.
import { type RunningServer, type ServerOptions, startServer } from "@aliyun-imds/server"
import { Clock, ConfigProvider, Duration, Effect, Layer, Random } from "effect"
import { afterAll, beforeAll, onTestFinished, vi } from "vitest"
import { createImdsClient, ImdsClient, type ImdsClientOptions, type PromiseClientOptions } from "../../src/index.ts"

export type Emulator = RunningServer

export type EmulatorOptions = Omit<ServerOptions, "port" | "adminPort" | "logLevel">

/** Starts one emulator for the enclosing `describe`; the getter is valid inside tests. */
export const useEmulator = (options: EmulatorOptions = {}): (() => Emulator) => {
  let server: Emulator | undefined
  beforeAll(async () => {
    server = await startServer({ port: 0, adminPort: 0, logLevel: "silent", ...options })
  })
  afterAll(async () => {
    await server?.stop()
  })
  return () => {
    if (server === undefined) throw new Error("emulator not started")
    return server
  }
}

/** Runs an admin effect inside the emulator's runtime, so it reads the virtual clock. */
export const admin = <A, E>(server: Emulator, effect: Effect.Effect<A, E, never>): Promise<A> =>
  server.effectRuntime.runPromise(effect)

/** Journal entries after `afterSeq` (everything when absent), oldest first. */
export const journal = async (server: Emulator, afterSeq = 0) =>
  admin(server, server.services.journal.query({ afterSeq, limit: 100_000 }))

export const lastSeq = async (server: Emulator): Promise<number> => {
  const newest = await admin(server, server.services.journal.query({ limit: 1 }))
  return newest[0]?.seq ?? 0
}

export const isTokenPut = (e: { readonly method: string; readonly path: string }) =>
  e.method === "PUT" && e.path.toLowerCase().startsWith("/latest/api/token")

const clientDefaults = {
  backoffBaseMs: 10,
  backoffMaxMs: 50,
  // Generous deadlines: the suite shares 2 cores with other packages' tests, and a timed-out attempt would be
  // retried and show up as an extra request in the journal. Timeout tests pass their own.
  connectTimeoutMs: 10_000,
  readTimeoutMs: 10_000,
  totalTimeoutMs: 60_000
} satisfies ImdsClientOptions

/** A client for this emulator: env isolated from process.env, small budgets so failures are quick. */
export const clientFor = (server: Emulator, options: PromiseClientOptions = {}) =>
  createImdsClient({ endpoint: server.dataUrl, env: {}, ...clientDefaults, ...options })

/**
 * The Effect API's `ImdsClient` for this emulator, with the same defaults as `clientFor` and an empty environment.
 * Its deadlines and backoff are Effect timers, so under `it.effect` they run on the `TestClock`: move time with
 * `TestClock.adjust` (the sockets stay real).
 */
export const clientLayerFor = (server: Emulator, options: ImdsClientOptions = {}) =>
  ImdsClient.layer({ endpoint: server.dataUrl, ...clientDefaults, ...options }).pipe(
    Layer.provide(ConfigProvider.layer(ConfigProvider.fromEnvRecord({})))
  )

/** Backoff jitter pinned to its low end, so each backoff is exactly half its exponential step (base × 2^(n−1)). */
export const withoutJitter = <A, E, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> =>
  Effect.provideService(effect, Random.Random, { nextDoubleUnsafe: () => 0, nextIntUnsafe: () => 0 })

/**
 * The test's clock, watched: effects run with `run` use a Clock that forwards to it (the TestClock under `it.effect`)
 * and lists each sleep while it is pending (a backoff, an attempt's deadline, the total budget), so a test can see
 * that the client is waiting on the clock, and for how long, before it moves the clock.
 */
export const watchSleeps = Effect.map(
  Clock.clockWith((clock) => Effect.succeed(clock)),
  (clock) => {
    const pending: Array<number> = []
    const watched: Clock.Clock = {
      ...clock,
      sleep: (duration) =>
        Effect.suspend(() => {
          const ms = Duration.toMillis(duration)
          pending.push(ms)
          return Effect.ensuring(
            clock.sleep(duration),
            Effect.sync(() => pending.splice(pending.indexOf(ms), 1))
          )
        })
    }
    return {
      pending: (): ReadonlyArray<number> => [...pending],
      run: <A, E, R>(effect: Effect.Effect<A, E, R>) => Effect.provideService(effect, Clock.Clock, watched)
    }
  }
)

/**
 * How many requests the server has taken into a hold (injected latency or a black hole), counted as its fault table
 * decides them: once the count reaches n, the nth held request is on the server and gets no answer until the client
 * hangs up (or the hold ends). The watch is removed when the test finishes.
 */
export const watchHolds = (server: Emulator): (() => number) => {
  const apply = vi.spyOn(server.services.faults.table, "apply")
  onTestFinished(() => apply.mockRestore())
  return () =>
    apply.mock.results.filter(
      (r) => r.type === "return" && (r.value.latencyMs > 0 || r.value.terminal?.type === "blackhole")
    ).length
}

/** Waits for an observable condition (a journal entry, a held request): polls until `check` stops throwing. The
 * timeout is only a safety net for a condition that never comes. */
export const eventually = (check: () => unknown): Effect.Effect<void> =>
  Effect.promise(() => vi.waitFor(check, { timeout: 10_000, interval: 5 })).pipe(Effect.asVoid)

/** The emulator's virtual clock as a client time source. */
export const virtualNow = (server: Emulator) => () => server.services.clock.nowUnsafe()

export const instanceOf = (server: Emulator) => {
  const state = server.services.fleet.getUnsafe(server.defaultInstanceId)
  if (state === undefined) throw new Error("default instance missing")
  return state
}

export const rawGet = async (server: Emulator, path: string): Promise<{ status: number; body: Uint8Array }> => {
  const put = await fetch(`${server.dataUrl}/latest/api/token`, {
    method: "PUT",
    headers: { "x-aliyun-ecs-metadata-token-ttl-seconds": "60" }
  })
  const token = await put.text()
  const res = await fetch(`${server.dataUrl}${path}`, { headers: { "x-aliyun-ecs-metadata-token": token } })
  return { status: res.status, body: new Uint8Array(await res.arrayBuffer()) }
}
