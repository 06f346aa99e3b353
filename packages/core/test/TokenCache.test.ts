import { assert, describe, it } from "@effect/vitest"
import { VerifiedTokenCache } from "../src/token/TokenCache.ts"

/** Deterministic pseudo-random tokens; `collide` forces equal tails (equal hashes) to exercise probing. */
const tokenOf = (n: number, collide: boolean) =>
  `${n.toString(36).padStart(8, "x")}${"A".repeat(90)}${collide ? "SAME-TAIL-SAME-T" : n.toString(16).padStart(16, "0")}`

/** A deterministic stream of numbers in [0, 1). */
const randomFrom = (start: number) => {
  let seed = start
  return () => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff
    return seed / 0x7fffffff
  }
}

/**
 * Random finds, adds and removals (and, with `clearEvery`, clears) checked at every step against a model: a map
 * with first-in-first-out eviction at `capacity`. Small capacities keep the index small, so probe runs wrap around
 * its end and removals shift entries across the wrap.
 */
const agreesWithModel = (capacity: number, collide: boolean, clearEvery = 0) => {
  const cache = new VerifiedTokenCache(capacity)
  const model = new Map<string, number>()
  const ring: Array<string | undefined> = new Array(capacity)
  let next = 0
  const random = randomFrom(capacity * 7 + (collide ? 1 : 0))
  for (let step = 0; step < 5000; step++) {
    if (clearEvery > 0 && step % clearEvery === clearEvery - 1) {
      cache.clear()
      model.clear()
      ring.fill(undefined)
    }
    const n = Math.floor(random() * Math.max(8, capacity * 3))
    const token = tokenOf(n, collide)
    const slot = cache.find(token)
    assert.strictEqual(slot !== -1, model.has(token), `step ${step}: presence of ${n}`)
    if (slot !== -1) {
      assert.strictEqual(cache.keyIdAt(slot), model.get(token))
      if (random() < 0.3) {
        cache.remove(slot)
        model.delete(token)
        ring[slot] = undefined
      }
    } else {
      const evicted = ring[next]
      if (evicted !== undefined) model.delete(evicted)
      cache.add(token, n, `i-${n % 3}`, n, n + 1)
      ring[next] = token
      next = (next + 1) % capacity
      model.set(token, n)
    }
    assert.strictEqual(cache.size, model.size)
  }
}

describe("VerifiedTokenCache", () => {
  for (const capacity of [1, 3, 4, 64]) {
    for (const collide of [false, true]) {
      it(`agrees with a FIFO map model at capacity ${capacity} (${collide ? "one hash" : "spread hashes"})`, () => {
        agreesWithModel(capacity, collide)
      })
    }
  }

  it("after being cleared, behaves exactly like a new cache", () => {
    agreesWithModel(4, false, 97)
    agreesWithModel(4, true, 97)
  })

  it("keeps one entry, with its first fields, for a token added twice", () => {
    const cache = new VerifiedTokenCache(4)
    cache.add("token-twice-abcdefghijklmnop", 1, "i-a", 10, 20)
    cache.add("token-twice-abcdefghijklmnop", 2, "i-b", 11, 21)
    assert.strictEqual(cache.size, 1)
    assert.strictEqual(cache.keyIdAt(cache.find("token-twice-abcdefghijklmnop")), 1)
  })

  it("holds tokens exactly as long as a slab slot, side by side, without one spilling into the next", () => {
    const cache = new VerifiedTokenCache(2)
    const [a, b, c] = ["a", "b", "c"].map((x) => x.repeat(176))
    cache.add(a!, 1, "i-a", 0, 1)
    cache.add(b!, 2, "i-a", 0, 1)
    cache.add(c!, 3, "i-a", 0, 1) // takes a's slot, just before b's
    assert.deepStrictEqual([cache.find(a!), cache.keyIdAt(cache.find(b!)), cache.keyIdAt(cache.find(c!))], [-1, 2, 3])
  })

  it("removing an empty slot changes nothing", () => {
    const cache = new VerifiedTokenCache(4)
    cache.remove(2)
    cache.add("token-one-abcdefghijklmnop", 3, "i-a", 10, 20)
    cache.remove(2)
    assert.strictEqual(cache.size, 1)
    assert.notStrictEqual(cache.find("token-one-abcdefghijklmnop"), -1)
  })

  it("keeps the verified fields and shares equal instance ids", () => {
    const cache = new VerifiedTokenCache(4)
    cache.add("token-one-abcdefghijklmnop", 3, "i-a", 10, 20)
    cache.add("token-two-abcdefghijklmnop", 4, `i-${"a"}`, 11, 21)
    const [one, two] = [cache.find("token-one-abcdefghijklmnop"), cache.find("token-two-abcdefghijklmnop")]
    assert.deepStrictEqual([cache.keyIdAt(one), cache.issuedAtAt(one), cache.expiresAtAt(one)], [3, 10, 20])
    assert.strictEqual(cache.instanceIdAt(two), "i-a")
    cache.clear()
    assert.strictEqual(cache.size, 0)
    assert.strictEqual(cache.find("token-one-abcdefghijklmnop"), -1)
  })

  it("caches nothing at capacity 0 and skips tokens longer than its slab slots", () => {
    const none = new VerifiedTokenCache(0)
    none.add("t".repeat(20), 0, "i-a", 0, 1)
    assert.strictEqual(none.size, 0)
    assert.strictEqual(none.find("t".repeat(20)), -1)
    const cache = new VerifiedTokenCache(2)
    cache.add("t".repeat(177), 0, "i-a", 0, 1)
    assert.strictEqual(cache.size, 0)
  })
})
