// For random fleets, the instance a peer is bound to, the refusal of a fleet and its warnings agree with a reference
// model of the binding rule written here from its statement (docs/fleet.md "Which instance answers"), not from the
// code: the longest prefix that contains the peer wins (an exact address is the longest), the same range bound to two
// instances is refused, and a block containing another instance's longer one is a warning. Addresses are drawn from
// a small space (10.0.0.x and 10.0.1.x, fd00::x), spelled plainly, as IPv4-mapped IPv6 or with an explicit /32, so
// ranges collide and nest often.
import { checkProperty } from "@aliyun-imds/vitest-config/property"
import { assert, describe, it } from "@effect/vitest"
import { Result } from "effect"
import fc from "fast-check"
import { fleetOverlaps } from "../src/fleet/BindingRule.ts"
import { decodeFleetResult } from "../src/fleet/Fleet.ts"
import { compileBinding } from "../src/fleet/FleetBinding.ts"

/** A range of the model: its family, its prefix and its network's last 8 bits (the rest is 10.0.0 or fd00::). */
interface Range {
  readonly family: 4 | 6
  readonly prefix: number
  readonly low: number
}
interface Entry extends Range {
  readonly text: string
}
/** A peer: the family, the last 8 bits and, for IPv4, whether it is in 10.0.1.x (outside every block but /16). */
interface Peer {
  readonly family: 4 | 6
  readonly low: number
  readonly far: boolean
  readonly text: string
}

const width = (family: 4 | 6) => (family === 4 ? 32 : 128)

/** Whether `range` holds the address with these last 8 bits (and, for `far`, 10.0.1 instead of 10.0.0). */
const holds = (range: Range, family: 4 | 6, low: number, far: boolean): boolean => {
  if (range.family !== family) return false
  const free = width(family) - range.prefix
  if (free >= 9) return true // a /16 (IPv4) or /112 (IPv6) holds all of 10.0.0.x and 10.0.1.x, or fd00::x
  if (far) return false
  return free >= 8 || low >> free === range.low >> free
}

const sameRange = (a: Range, b: Range) => a.family === b.family && a.prefix === b.prefix && a.low === b.low

const entry: fc.Arbitrary<Entry> = fc
  .record({
    family: fc.constantFrom<4 | 6>(4, 4, 4, 6),
    short: fc.constantFrom(16, 24, 26, 28, 30, 31, 32, 32, 32),
    host: fc.integer({ min: 0, max: 255 }),
    spelling: fc.constantFrom("plain", "mapped", "slash")
  })
  .map(({ family, short, host, spelling }) => {
    const prefix = family === 4 ? short : short + 96
    const free = Math.min(8, width(family) - prefix)
    const low = (host >> free) << free
    if (family === 6) {
      const text = `fd00::${low.toString(16)}`
      return { family, prefix, low, text: prefix === 128 && spelling === "plain" ? text : `${text}/${prefix}` }
    }
    const address = `10.0.0.${low}`
    const text =
      spelling === "mapped"
        ? `::ffff:${address}${prefix === 32 ? "" : `/${prefix + 96}`}`
        : prefix === 32 && spelling === "plain"
          ? address
          : `${address}/${prefix}`
    return { family, prefix, low, text }
  })

const peer: fc.Arbitrary<Peer> = fc
  .record({
    family: fc.constantFrom<4 | 6>(4, 4, 6),
    low: fc.integer({ min: 0, max: 255 }),
    far: fc.boolean(),
    mapped: fc.boolean()
  })
  .map(({ family, low, far, mapped }) => {
    if (family === 6) return { family, low, far: false, text: `fd00::${low.toString(16)}` }
    const text = `10.0.${far ? 1 : 0}.${low}`
    return { family, low, far, text: mapped ? `::ffff:${text}` : text }
  })

const fleet = fc.record({
  instances: fc.array(fc.array(entry, { maxLength: 3 }), { minLength: 1, maxLength: 5 }),
  unmatchedPeers: fc.constantFrom<"default" | "refuse">("default", "refuse"),
  peers: fc.array(peer, { minLength: 1, maxLength: 8 })
})

const idOf = (i: number) => `i-rule${i}`

describe("the binding rule, against a reference model", () => {
  it("binds each peer to the longest containing prefix, refuses shared ranges and warns of nested ones", () => {
    checkProperty(
      fc.property(fleet, ({ instances, unmatchedPeers, peers }) => {
        const entries = instances.flatMap((list, i) => list.map((e) => ({ ...e, owner: i })))
        const pairs = entries.flatMap((a, x) => entries.slice(x + 1).map((b) => [a, b] as const))
        // In file order of the later entry, against the latest earlier entry of that range (the one the error names).
        const clashes = entries.flatMap((b, y) => {
          const a = entries.slice(0, y).findLast((e) => sameRange(e, b))
          return a !== undefined && a.owner !== b.owner ? [[a, b] as const] : []
        })
        const file = {
          version: 1,
          unmatchedPeers,
          instances: instances.map((list, i) => ({ instanceId: idOf(i), sourceAddresses: list.map((e) => e.text) }))
        }
        const decoded = decodeFleetResult(JSON.stringify(file), "json")
        if (clashes.length > 0) {
          const [a, b] = clashes[0]!
          assert.isTrue(Result.isFailure(decoded), "a range bound to two instances is refused")
          const message = Result.isFailure(decoded) ? decoded.failure.message : ""
          for (const part of [a.text, b.text, idOf(a.owner), idOf(b.owner)]) assert.include(message, part)
          return
        }
        assert.isTrue(Result.isSuccess(decoded), Result.isFailure(decoded) ? decoded.failure.message : "")
        const config = Result.getOrThrow(decoded)
        const nested = pairs.filter(([a, b]) => a.owner !== b.owner && a.prefix !== b.prefix && holdsRange(a, b))
        const shownPairs = (list: ReadonlyArray<readonly [string, string] | false>) =>
          list.map((pair) => JSON.stringify(pair)).sort()
        assert.deepStrictEqual(
          shownPairs(
            fleetOverlaps(config.instances).map((o) => o.severity === "warning" && [o.outer.text, o.inner.text])
          ),
          shownPairs(nested.map(([a, b]) => (a.prefix < b.prefix ? [a.text, b.text] : [b.text, a.text])))
        )
        const match = compileBinding(config)
        for (const p of peers) {
          const containing = entries.filter((e) => holds(e, p.family, p.low, p.far))
          const best = containing.reduce<(typeof containing)[number] | null>(
            (won, e) => (won === null || e.prefix > won.prefix ? e : won),
            null
          )
          const expected = best !== null ? idOf(best.owner) : unmatchedPeers === "default" ? idOf(0) : null
          assert.strictEqual(match(p.text), expected, `peer ${p.text}`)
        }
      }),
      { runs: 300 }
    )
  })
})

/** One of the two ranges lies inside the other. */
const holdsRange = (a: Range, b: Range): boolean => {
  const [outer, inner] = a.prefix < b.prefix ? [a, b] : [b, a]
  return holds(outer, inner.family, inner.low, false)
}
