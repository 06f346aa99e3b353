// The child-process runner's decisions (exit codes as a shell reports them, which signals to pass on, the terminal's
// foreground group from /proc), runChild on real short-lived processes, and exec's pure helpers.
import { assert, describe, it } from "@effect/vitest"
import { Effect, Exit, Fiber } from "effect"
import {
  ChildSpawnError,
  childHoldsSignals,
  exitCodeOf,
  processGroupsOf,
  runChild,
  shouldForward
} from "../src/ChildProcess.ts"
import { commandAfterDashes, loopbackOf, withPreload } from "../src/commands/exec.ts"

describe("exit codes", () => {
  it("a status passes through; a signal is 128 + its number", () => {
    assert.strictEqual(exitCodeOf(0, null), 0)
    assert.strictEqual(exitCodeOf(7, null), 7)
    assert.strictEqual(exitCodeOf(null, "SIGINT"), 130)
    assert.strictEqual(exitCodeOf(null, "SIGTERM"), 143)
    assert.strictEqual(exitCodeOf(null, "SIGKILL"), 137)
  })

  it("not found is 127 and not runnable 126, as in a shell", () => {
    const error = (reason: ChildSpawnError["reason"]) => new ChildSpawnError({ command: "x", reason, detail: "" })
    assert.strictEqual(error("not-found").exitCode, 127)
    assert.strictEqual(error("not-executable").exitCode, 126)
    assert.strictEqual(error("failed").exitCode, 126)
  })
})

describe("signals", () => {
  it("reads pgrp and tpgid after the command name, whatever that name holds", () => {
    const stat = "4242 (node (exec) x) S 4200 4242 4100 34816 4242 4194304 120 0 0 0"
    assert.deepStrictEqual(processGroupsOf(stat), { pgrp: 4242, tpgid: 4242 })
    assert.deepStrictEqual(processGroupsOf("7 (sh) S 1 7 7 0 -1 4194560"), { pgrp: 7, tpgid: -1 })
    assert.isNull(processGroupsOf("garbage"))
  })

  it("SIGTERM always goes on; SIGINT and SIGHUP only when the terminal did not send them to the child too", () => {
    assert.isTrue(shouldForward("SIGTERM", true))
    assert.isTrue(shouldForward("SIGTERM", false))
    assert.isFalse(shouldForward("SIGINT", true))
    assert.isTrue(shouldForward("SIGINT", false))
    assert.isFalse(shouldForward("SIGHUP", true))
    assert.isTrue(shouldForward("SIGHUP", false))
  })
})

describe("runChild", () => {
  it.live("resolves with the child's status and holds signals only while it runs", () =>
    Effect.gen(function* () {
      assert.isFalse(childHoldsSignals())
      const listeners = process.listenerCount("SIGTERM")
      const fiber = yield* Effect.forkChild(runChild({ command: process.execPath, args: ["-e", "process.exit(3)"] }))
      yield* Effect.yieldNow
      assert.isTrue(childHoldsSignals())
      assert.strictEqual(process.listenerCount("SIGTERM"), listeners + 1)
      const exit = yield* Fiber.join(fiber)
      assert.deepStrictEqual(exit, { code: 3, signal: null, exitCode: 3 })
      assert.isFalse(childHoldsSignals())
      assert.strictEqual(process.listenerCount("SIGTERM"), listeners)
    })
  )

  it.live("fails with not-found for a command that does not exist", () =>
    Effect.gen(function* () {
      const error = yield* Effect.flip(runChild({ command: "aliyun-imds-no-such-command", args: [] }))
      assert.strictEqual(error.reason, "not-found")
      assert.strictEqual(error.command, "aliyun-imds-no-such-command")
      assert.isFalse(childHoldsSignals())
    })
  )

  it.live("an interrupted run stops the child before it completes", () =>
    Effect.gen(function* () {
      const fiber = yield* Effect.forkChild(
        runChild({ command: process.execPath, args: ["-e", "setInterval(() => {}, 1e6)"] })
      )
      yield* Effect.yieldNow
      const exit = yield* Fiber.interrupt(fiber).pipe(Effect.andThen(Fiber.await(fiber)))
      assert.isTrue(Exit.hasInterrupts(exit))
      assert.isFalse(childHoldsSignals())
    })
  )
})

describe("exec helpers", () => {
  it.effect("takes the command after --, and refuses none, an empty one, or words before --", () =>
    Effect.gen(function* () {
      const ok = yield* commandAfterDashes(["--verbose", "--", "node", "--version"], ["node", "--version"])
      assert.deepStrictEqual(ok, ["node", "--version"])
      for (const [argv, parsed] of [
        [
          ["node", "app.mjs"],
          ["node", "app.mjs"]
        ],
        [["--"], []],
        [["--", ""], [""]],
        [
          ["node", "--", "app.mjs"],
          ["node", "app.mjs"]
        ]
      ] as const) {
        const error = yield* Effect.flip(commandAfterDashes(argv, parsed))
        assert.strictEqual(error.exitCode, 2, argv.join(" "))
      }
    })
  )

  it("adds the preload to NODE_OPTIONS once, after what was there", () => {
    const url = "file:///opt/cli/preload/register.mjs"
    assert.strictEqual(withPreload(undefined, url), `--import=${url}`)
    assert.strictEqual(withPreload(" --max-old-space-size=512 ", url), `--max-old-space-size=512 --import=${url}`)
    assert.strictEqual(withPreload(`--import=${url} --trace-warnings`, url), `--import=${url} --trace-warnings`)
  })

  it("reaches a wildcard listener on loopback and refuses any other address", () => {
    assert.strictEqual(loopbackOf("127.0.0.1"), "127.0.0.1")
    assert.strictEqual(loopbackOf("0.0.0.0"), "127.0.0.1")
    assert.strictEqual(loopbackOf("::"), "::1")
    assert.strictEqual(loopbackOf("localhost"), "localhost")
    assert.isNull(loopbackOf("192.0.2.1"))
  })
})
