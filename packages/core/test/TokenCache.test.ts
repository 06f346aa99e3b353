import { assert, describe, it } from "@effect/vitest"
import { VerifiedTokenCache } from "../src/TokenCache.ts"

/** Deterministic pseudo-random tokens; `collide` forces equal tails (equal hashes) to exercise probing. */
const tokenOf = (n: number, collide: boolean) =>
  `${n.toString(36).padStart(8, "x")}${"A".repeat(90)}${collide ? "SAME-TAIL-SAME-T" : n.toString(16).padStart(16, "0")}`

describe("VerifiedTokenCache", () => {
  for (const collide of [false, true]) {
    it(`agrees with a FIFO map model through adds, evictions and removals (${collide ? "one hash" : "spread hashes"})`, () => {
      const capacity = 64
      const cache = new VerifiedTokenCache(capacity)
      const model = new Map<string, number>()
      const ring: Array<string | undefined> = new Array(capacity)
      let next = 0
      let seed = 7
      const random = () => {
        seed = (seed * 1103515245 + 12345) & 0x7fffffff
        return seed / 0x7fffffff
      }
      for (let step = 0; step < 5000; step++) {
        const n = Math.floor(random() * 200)
        const token = tokenOf(n, collide)
        const slot = cache.find(token)
        assert.strictEqual(slot !== -1, model.has(token), `step ${step}: presence of ${n}`)
        if (slot !== -1) {
          assert.strictEqual(cache.keyIdAt(slot), model.get(token))
          if (random() < 0.2) {
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
    })
  }

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
    const cache = new VerifiedTokenCache(2)
    cache.add("t".repeat(177), 0, "i-a", 0, 1)
    assert.strictEqual(cache.size, 0)
  })
})
