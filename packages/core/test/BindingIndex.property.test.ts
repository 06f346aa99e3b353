// The containment index against its definition: for random ranges (IPv4 and IPv6, prefixes from /0 to a single
// address, drawn from a small space so they nest and repeat often), each binding's candidates are exactly the earlier
// bindings whose range contains it or lies inside it, in ascending order; and the overlap report built on them for a
// 10,000-instance fleet is the one a comparison of every pair gives.
import { checkProperty } from "@aliyun-imds/vitest-config/property"
import { assert, describe, it } from "@effect/vitest"
import fc from "fast-check"
import { containmentCandidates } from "../src/fleet/BindingIndex.ts"
import { bindingOverlaps, bindingsOf } from "../src/fleet/BindingRule.ts"
import { type Cidr, cidrWithin, parseCidr } from "../src/fleet/IpAddress.ts"

const v4 = fc
  .record({ a: fc.constantFrom(0, 10, 10, 192), b: fc.integer({ min: 0, max: 3 }), c: fc.integer({ min: 0, max: 7 }) })
  .chain(({ a, b, c }) =>
    fc.constantFrom(0, 8, 16, 24, 29, 30, 31, 32, 32).map((prefix) => ({ text: `${a}.${b}.0.${c}`, prefix, width: 32 }))
  )
const v6 = fc
  .record({ hi: fc.constantFrom("fd00", "fd00", "2001:db8"), lo: fc.integer({ min: 0, max: 7 }) })
  .chain(({ hi, lo }) =>
    fc
      .constantFrom(0, 8, 64, 120, 125, 126, 127, 128, 128)
      .map((prefix) => ({ text: `${hi}::${lo}`, prefix, width: 128 }))
  )

/** A valid range: the address cut to its prefix (the drawn address may have host bits set). */
const range = fc.oneof(v4, v6).map(({ text, prefix }): Cidr => {
  const ip = parseCidr(text)!
  const cut = parseCidr(`${text}/${prefix}`) ?? cutTo(ip, prefix)
  return cut
})

const cutTo = (cidr: Cidr, prefix: number): Cidr =>
  cidr.family === 4
    ? { family: 4, prefix, network: prefix === 0 ? 0 : (cidr.network & ((0xffffffff << (32 - prefix)) >>> 0)) >>> 0 }
    : {
        family: 6,
        prefix,
        network: prefix === 0 ? 0n : cidr.network & (((1n << BigInt(prefix)) - 1n) << BigInt(128 - prefix))
      }

describe("containmentCandidates", () => {
  it("gives each binding the earlier ones that contain it or lie inside it, ascending", () => {
    checkProperty(
      fc.property(fc.array(range, { maxLength: 40 }), (ranges) => {
        const bindings = ranges.map((cidr) => ({ cidr }))
        const expected = ranges.map((cidr, j) =>
          ranges.flatMap((other, i) => (i < j && (cidrWithin(cidr, other) || cidrWithin(other, cidr)) ? [i] : []))
        )
        assert.deepStrictEqual(containmentCandidates(bindings), expected)
      }),
      { runs: 300 }
    )
  })

  it("reports a 10,000-instance fleet's overlaps as a comparison of every pair does", () => {
    const instances = Array.from({ length: 10_000 }, (_, i) => ({
      instanceId: `i-${i}`,
      sourceAddresses: [
        `10.${(i >> 8) & 255}.${i & 255}.1`,
        ...(i % 1000 === 0 ? [`10.${(i >> 8) & 255}.0.0/16`] : []),
        ...(i === 9_999 ? ["10.0.0.1"] : [])
      ]
    }))
    const bindings = bindingsOf(instances, (i) => `instances[${i}]`)
    const overlaps = bindingOverlaps(bindings).map((o) => `${o.severity}: ${o.message}`)
    const some = bindings.slice(0, 2000)
    const pairwise = some.flatMap((later, j) =>
      some
        .slice(0, j)
        .flatMap((earlier) =>
          earlier.instanceId !== later.instanceId &&
          (cidrWithin(later.cidr, earlier.cidr) || cidrWithin(earlier.cidr, later.cidr))
            ? [[earlier.path, later.path]]
            : []
        )
    )
    // The first 2,000 bindings by pairs, and the whole fleet's count and its one same-range error.
    assert.deepStrictEqual(
      bindingOverlaps(some).map((o) =>
        o.severity === "error" ? [o.first.path, o.second.path] : [o.outer.path, o.inner.path].sort()
      ),
      pairwise.map((p) => [...p].sort())
    )
    assert.strictEqual(overlaps.filter((o) => o.startsWith("error")).length, 1)
    assert.strictEqual(overlaps.length, 1 + 10 * 255 + 1)
  })
})
