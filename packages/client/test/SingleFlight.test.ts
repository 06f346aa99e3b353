import { assert, describe, it } from "@effect/vitest"
import { Deferred, Effect, Exit, Fiber } from "effect"
import { makeSingleFlight } from "../src/SingleFlight.ts"

describe("SingleFlight", () => {
  it.effect("concurrent callers share one run and its result", () =>
    Effect.gen(function* () {
      const flight = makeSingleFlight<number, string>()
      const gate = yield* Deferred.make<void>()
      let runs = 0
      const task = Effect.sync(() => ++runs).pipe(Effect.andThen(Deferred.await(gate)), Effect.as(42))
      const fibers = yield* Effect.forEach(Array.from({ length: 10 }), () => Effect.forkChild(flight.run(task)))
      yield* Effect.yieldNow
      assert.isTrue(flight.busy())
      yield* Deferred.succeed(gate, undefined)
      const results = yield* Effect.forEach(fibers, Fiber.join)
      assert.deepStrictEqual(
        results,
        Array.from({ length: 10 }, () => 42)
      )
      assert.strictEqual(runs, 1)
      assert.isFalse(flight.busy())
    })
  )

  it.effect("a failure reaches every waiter and the next call starts afresh", () =>
    Effect.gen(function* () {
      const flight = makeSingleFlight<number, string>()
      let runs = 0
      const failing = Effect.suspend(() => (++runs === 1 ? Effect.fail("boom") : Effect.succeed(7)))
      assert.deepStrictEqual(yield* Effect.flip(flight.run(failing)), "boom")
      assert.strictEqual(yield* flight.run(failing), 7)
    })
  )

  it.effect("the run is interrupted only when its last waiter leaves", () =>
    Effect.gen(function* () {
      const flight = makeSingleFlight<number, never>()
      const started = yield* Deferred.make<void>()
      const interrupted = yield* Deferred.make<void>()
      const task = Deferred.succeed(started, undefined).pipe(
        Effect.andThen(Effect.never),
        Effect.onInterrupt(() => Deferred.succeed(interrupted, undefined))
      )
      const a = yield* Effect.forkChild(flight.run(task))
      const b = yield* Effect.forkChild(flight.run(task))
      yield* Deferred.await(started)
      yield* Fiber.interrupt(a)
      assert.isFalse(yield* Deferred.isDone(interrupted))
      assert.isTrue(flight.busy())
      yield* Fiber.interrupt(b)
      yield* Deferred.await(interrupted)
      assert.isFalse(flight.busy())
      assert.isTrue(Exit.hasInterrupts(yield* Fiber.await(b)))
    })
  )
})
