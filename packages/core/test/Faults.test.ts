import { assert, describe, it } from "@effect/vitest"
import { Effect, Schema } from "effect"
import { FaultRuleInput, Faults, FaultTable } from "../src/access/Faults.ts"

const token = { instanceId: "i-a", route: "token", method: "PUT", path: "/latest/api/token" } as const
const read = { instanceId: "i-a", route: "metadata", method: "GET", path: "/latest/meta-data/instance-id" } as const

describe("Faults", () => {
  it("a status rule limited to two requests answers twice, then disappears", () => {
    const table = new FaultTable()
    table.add({ action: { type: "status", status: 429 }, times: 2 })
    assert.deepStrictEqual(table.apply(read).terminal, { type: "status", status: 429 })
    assert.deepStrictEqual(table.apply(read).terminal, { type: "status", status: 429 })
    assert.strictEqual(table.apply(read).terminal, null)
    assert.strictEqual(table.list().length, 0)
  })

  it("matches by route, instance, method and case-insensitive path prefix", () => {
    const table = new FaultTable()
    table.add({ route: "token", action: { type: "status", status: 500 } })
    table.add({ instanceId: "i-b", action: { type: "reset" } })
    table.add({ pathPrefix: "/LATEST/meta-data/ram", action: { type: "blackhole" } })
    table.add({ method: "head", action: { type: "status", status: 503 } })
    assert.deepStrictEqual(table.apply(token).terminal, { type: "status", status: 500 })
    assert.strictEqual(table.apply(read).terminal, null)
    assert.deepStrictEqual(table.apply({ ...read, instanceId: "i-b" }).terminal, { type: "reset" })
    assert.deepStrictEqual(table.apply({ ...read, path: "/latest/meta-data/Ram/security-credentials/" }).terminal, {
      type: "blackhole"
    })
    assert.deepStrictEqual(table.apply({ ...read, method: "HEAD" }).terminal, { type: "status", status: 503 })
  })

  it("latency rules add up and combine with the first terminal rule; later terminal rules are not consumed", () => {
    const table = new FaultTable()
    table.add({ action: { type: "latency", ms: 100 } })
    table.add({ action: { type: "latency", ms: 50 } })
    table.add({ action: { type: "status", status: 404 }, times: 1 })
    table.add({ action: { type: "status", status: 500 }, times: 1 })
    assert.deepStrictEqual(table.apply(read), { latencyMs: 150, terminal: { type: "status", status: 404 } })
    assert.deepStrictEqual(table.apply(read), { latencyMs: 150, terminal: { type: "status", status: 500 } })
    assert.deepStrictEqual(table.apply(read), { latencyMs: 150, terminal: null })
  })

  it("clear removes one rule by id or all of them", () => {
    const table = new FaultTable()
    const a = table.add({ action: { type: "reset" } })
    table.add({ action: { type: "blackhole" } })
    assert.isTrue(table.clear(a.id))
    assert.isFalse(table.clear(a.id))
    assert.strictEqual(table.list().length, 1)
    assert.isTrue(table.clear())
    assert.strictEqual(table.list().length, 0)
  })

  it("the input schema refuses out-of-range statuses and zero times", () => {
    const decode = Schema.decodeUnknownExit(FaultRuleInput)
    assert.isTrue(decode({ action: { type: "status", status: 700 } })._tag === "Failure")
    assert.isTrue(decode({ action: { type: "status", status: 503 }, times: 0 })._tag === "Failure")
    assert.isTrue(decode({ action: { type: "teleport" } })._tag === "Failure")
    assert.isTrue(decode({ action: { type: "latency", ms: 20 }, route: "token" })._tag === "Success")
  })

  it.effect("the service wraps one shared table", () =>
    Effect.gen(function* () {
      const faults = yield* Faults
      const rule = yield* faults.add({ action: { type: "reset" } })
      assert.strictEqual((yield* faults.list)[0]?.id, rule.id)
      assert.deepStrictEqual(faults.table.apply(read).terminal, { type: "reset" })
      assert.isTrue(yield* faults.clear())
    }).pipe(Effect.provide(Faults.layer))
  )

  it.effect("saved rules keep what is left of their times, and restored ids continue after the last one", () =>
    Effect.gen(function* () {
      const faults = yield* Faults
      yield* faults.add({ action: { type: "status", status: 500 }, times: 3 })
      yield* faults.add({ route: "token", action: { type: "reset" } })
      faults.table.apply(read)
      const saved = yield* faults.saved
      assert.strictEqual(saved.lastId, 2)
      assert.deepStrictEqual(
        saved.rules.map((r) => [r.id, r.remaining]),
        [
          ["fault-1", 2],
          ["fault-2", null]
        ]
      )
      const other = new FaultTable()
      other.restore(saved)
      assert.deepStrictEqual(other.list(), saved.rules)
      assert.strictEqual(other.add({ action: { type: "blackhole" } }).id, "fault-3")
      other.apply(read)
      other.apply(read)
      assert.deepStrictEqual(
        other.list().map((r) => r.id),
        ["fault-2", "fault-3"]
      )
      assert.strictEqual((yield* faults.list).length, 2)
      yield* faults.restore({ lastId: 0, rules: [] })
      assert.deepStrictEqual(yield* faults.saved, { lastId: 0, rules: [] })
    }).pipe(Effect.provide(Faults.layer))
  )
})
