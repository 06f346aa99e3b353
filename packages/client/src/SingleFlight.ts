// Single-flight: concurrent callers of the same task share one run of it. The run lives in its own fiber, so one
// caller giving up does not fail the others; when the last waiting caller is interrupted, the run is interrupted too.
import { Deferred, Effect, Exit, Fiber } from "effect"

interface Flight<A, E> {
  readonly deferred: Deferred.Deferred<A, E>
  fiber: Fiber.Fiber<void> | undefined
  waiters: number
}

export interface SingleFlight<A, E> {
  /** Joins the run in progress, or starts `task` if there is none. */
  readonly run: (task: Effect.Effect<A, E>) => Effect.Effect<A, E>
  /** Whether a run is in progress. */
  readonly busy: () => boolean
}

export const makeSingleFlight = <A, E>(): SingleFlight<A, E> => {
  let current: Flight<A, E> | null = null

  const leave = (flight: Flight<A, E>) =>
    Effect.suspend(() => {
      flight.waiters--
      if (flight.waiters > 0 || current !== flight) return Effect.void
      current = null
      return flight.fiber === undefined ? Effect.void : Fiber.interrupt(flight.fiber)
    })

  const start = (task: Effect.Effect<A, E>) =>
    Effect.suspend(() => {
      const flight: Flight<A, E> = { deferred: Deferred.makeUnsafe<A, E>(), fiber: undefined, waiters: 0 }
      current = flight
      const body = Effect.exit(task).pipe(
        Effect.flatMap((exit) =>
          Effect.suspend(() => {
            if (current === flight) current = null
            return Deferred.done(flight.deferred, exit)
          })
        ),
        Effect.asVoid
      )
      return Effect.map(Effect.forkDetach(Effect.interruptible(body)), (fiber) => {
        flight.fiber = fiber
        return flight
      })
    })

  const run = (task: Effect.Effect<A, E>): Effect.Effect<A, E> =>
    Effect.uninterruptibleMask((restore) =>
      Effect.gen(function* () {
        const flight = current ?? (yield* start(task))
        flight.waiters++
        const exit = yield* Effect.exit(restore(Deferred.await(flight.deferred)))
        if (Exit.hasInterrupts(exit)) yield* leave(flight)
        return yield* exit
      })
    )

  return { run, busy: () => current !== null }
}
