// The record of ECS API calls, kept apart from the data plane's journal: who called (account key or an instance's
// RAM role), which action, what it changed, when and with which outcome, in a bounded ring, with per-action counts.
import { Context, Effect, Layer } from "effect"

/** Who signed a call: an account AccessKey, or the STS key of an instance's RAM role. */
export type EcsCaller =
  | { readonly kind: "account"; readonly accessKeyId: string }
  | { readonly kind: "role"; readonly accessKeyId: string; readonly instanceId: string; readonly roleName: string }

export interface EcsCallInput {
  /** Virtual time, epoch ms. */
  readonly time: number
  readonly requestId: string
  readonly action: string
  /** Null when the call was refused before its signature was accepted. */
  readonly caller: EcsCaller | null
  readonly status: number
  /** The ECS error code, null on success. */
  readonly code: string | null
  /** Resources the call changed, e.g. `i-bp1…: HttpTokens=required`. */
  readonly changes: ReadonlyArray<string>
}

export interface EcsCall extends EcsCallInput {
  readonly seq: number
}

export interface EcsCallQuery {
  readonly action?: string
  /** Only calls with `seq > afterSeq`, oldest first. */
  readonly afterSeq?: number
  /** Default 100; the newest ones without `afterSeq`. */
  readonly limit?: number
}

export interface EcsActionCount {
  readonly succeeded: number
  readonly failed: number
}

export const defaultEcsCallCapacity = 1000

export class EcsCalls extends Context.Service<
  EcsCalls,
  {
    readonly record: (call: EcsCallInput) => Effect.Effect<number>
    readonly query: (query?: EcsCallQuery) => Effect.Effect<ReadonlyArray<EcsCall>>
    /** Calls by action since start (or the last clear), including those the ring no longer holds. */
    readonly counts: Effect.Effect<Readonly<Record<string, EcsActionCount>>>
    readonly clear: Effect.Effect<void>
  }
>()("@aliyun-imds/core/EcsCalls") {
  static readonly layerWith = (capacity: number): Layer.Layer<EcsCalls> =>
    Layer.sync(EcsCalls, () => {
      let ring: Array<EcsCall> = []
      let counts: Record<string, EcsActionCount> = {}
      let nextSeq = 1
      return EcsCalls.of({
        record: (call) =>
          Effect.sync(() => {
            const seq = nextSeq++
            ring.push({ seq, ...call })
            if (ring.length > capacity) ring.shift()
            const count = counts[call.action] ?? { succeeded: 0, failed: 0 }
            counts[call.action] =
              call.code === null ? { ...count, succeeded: count.succeeded + 1 } : { ...count, failed: count.failed + 1 }
            return seq
          }),
        query: (query = {}) =>
          Effect.sync(() => {
            const limit = query.limit ?? 100
            const matching = ring.filter(
              (c) =>
                (query.action === undefined || c.action === query.action) &&
                (query.afterSeq === undefined || c.seq > query.afterSeq)
            )
            return query.afterSeq === undefined ? matching.slice(-limit) : matching.slice(0, limit)
          }),
        counts: Effect.sync(() => ({ ...counts })),
        clear: Effect.sync(() => {
          ring = []
          counts = {}
        })
      })
    })

  static readonly layer: Layer.Layer<EcsCalls> = EcsCalls.layerWith(defaultEcsCallCapacity)
}
