import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { bindPeer, compileBinding } from "../src/fleet/FleetBinding.ts"
import { defaultFleet } from "../src/fleet/FleetDefaults.ts"
import type { Instance } from "../src/fleet/Instance.ts"
import { cidrContains, cidrWithin, formatIp, isSingleAddress, parseCidr, parseIp } from "../src/fleet/IpAddress.ts"

const base = defaultFleet("binding").instances[0]!
const instance = (instanceId: string, sourceAddresses: ReadonlyArray<string>): Instance => ({
  ...base,
  instanceId,
  sourceAddresses
})

const fleet = (unmatchedPeers: "default" | "refuse") => ({
  unmatchedPeers,
  defaultInstanceId: "i-default",
  instances: [
    instance("i-default", []),
    instance("i-exact", ["127.0.0.2", "::1"]),
    instance("i-wide", ["10.0.0.0/8"]),
    instance("i-narrow", ["10.1.0.0/16", "10.1.2.3/32"]),
    instance("i-v6", ["fd00::/8", "2001:db8::5"])
  ]
})

describe("IpAddress", () => {
  it("parses IPv4 and rejects malformed or octal-looking quads", () => {
    assert.deepStrictEqual(parseIp("127.0.0.2"), { family: 4, value: 0x7f000002 })
    for (const bad of ["256.0.0.1", "1.2.3", "01.2.3.4", "1.2.3.4.5", "a.b.c.d", ""]) assert.isNull(parseIp(bad))
  })

  it("parses IPv6 with :: and an embedded quad, and prints the RFC 5952 form", () => {
    assert.strictEqual(formatIp(parseIp("2001:0DB8:0:0:0:0:0:1")!), "2001:db8::1")
    assert.strictEqual(formatIp(parseIp("::1")!), "::1")
    assert.strictEqual(formatIp(parseIp("::")!), "::")
    assert.strictEqual(formatIp(parseIp("1:0:0:2:0:0:0:3")!), "1:0:0:2::3")
    assert.strictEqual(formatIp(parseIp("64:ff9b::192.0.2.33")!), "64:ff9b::c000:221")
    for (const bad of ["1::2::3", "12345::", "1:2:3:4:5:6:7:8:9", ":::", "g::1", "1.2.3.4::", ":1", "1:"])
      assert.isNull(parseIp(bad))
  })

  it("folds IPv4-mapped IPv6 into IPv4 and drops a zone id", () => {
    assert.deepStrictEqual(parseIp("::ffff:127.0.0.2"), parseIp("127.0.0.2"))
    assert.deepStrictEqual(parseIp("::ffff:7f00:2"), parseIp("127.0.0.2"))
    assert.strictEqual(formatIp(parseIp("fe80::1%eth0")!), "fe80::1")
  })

  it("accepts CIDR blocks only with zero host bits and a prefix within the family width", () => {
    assert.deepStrictEqual(parseCidr("10.0.0.0/8"), { family: 4, network: 0x0a000000, prefix: 8 })
    assert.deepStrictEqual(parseCidr("::ffff:10.0.0.0/104"), parseCidr("10.0.0.0/8"))
    assert.strictEqual(parseCidr("0.0.0.0/0")?.prefix, 0)
    for (const bad of ["10.0.0.1/8", "10.0.0.0/33", "10.0.0.0/", "10.0.0.0/08", "fd00::1/8", "::/129"]) {
      assert.isNull(parseCidr(bad), bad)
    }
  })

  it("tests membership at the block boundaries", () => {
    const block = parseCidr("192.168.4.0/22")!
    assert.isTrue(cidrContains(block, parseIp("192.168.4.0")!))
    assert.isTrue(cidrContains(block, parseIp("192.168.7.255")!))
    assert.isFalse(cidrContains(block, parseIp("192.168.8.0")!))
    assert.isFalse(cidrContains(block, parseIp("192.168.3.255")!))
    assert.isTrue(cidrContains(parseCidr("0.0.0.0/0")!, parseIp("8.8.8.8")!))
    assert.isFalse(cidrContains(parseCidr("0.0.0.0/0")!, parseIp("::1")!))
  })
})

describe("FleetBinding", () => {
  it("binds exact IPv4 and IPv6 addresses to their instance", () => {
    const match = compileBinding(fleet("default"))
    assert.strictEqual(match("127.0.0.2"), "i-exact")
    assert.strictEqual(match("::1"), "i-exact")
    assert.strictEqual(match("0:0:0:0:0:0:0:1"), "i-exact")
    assert.strictEqual(match("2001:db8::5"), "i-v6")
  })

  it("binds an IPv4-mapped IPv6 peer like its IPv4 address", () => {
    const match = compileBinding(fleet("default"))
    assert.strictEqual(match("::ffff:127.0.0.2"), "i-exact")
    assert.strictEqual(match("::ffff:10.9.9.9"), "i-wide")
  })

  it("prefers an exact address, then the longest matching prefix", () => {
    const match = compileBinding(fleet("default"))
    assert.strictEqual(match("10.1.2.3"), "i-narrow")
    assert.strictEqual(match("10.1.200.1"), "i-narrow")
    assert.strictEqual(match("10.2.0.1"), "i-wide")
    assert.strictEqual(match("10.255.255.255"), "i-wide")
    assert.strictEqual(match("fdff::1"), "i-v6")
  })

  it("sends unmatched peers (and unparseable ones) to the default instance", () => {
    const match = compileBinding(fleet("default"))
    assert.strictEqual(match("127.0.0.3"), "i-default")
    assert.strictEqual(match("11.0.0.1"), "i-default")
    assert.strictEqual(match("fe80::1"), "i-default")
    assert.strictEqual(match("not-an-ip"), "i-default")
  })

  it("refuses unmatched peers when the fleet says so, still binding matched ones", () => {
    const match = compileBinding(fleet("refuse"))
    assert.isNull(match("127.0.0.3"))
    assert.isNull(match("127.0.0.3")) // the memoised answer is the same
    assert.strictEqual(match("127.0.0.2"), "i-exact")
  })

  it("serves every peer as the default instance when no instance lists addresses", () => {
    const match = compileBinding(defaultFleet("any"))
    const id = defaultFleet("any").defaultInstanceId
    for (const peer of ["127.0.0.1", "::1", "192.0.2.7"]) assert.strictEqual(match(peer), id)
  })

  it("gives the same answers after many distinct peers overflow the memo", () => {
    const match = compileBinding(fleet("default"))
    for (let i = 0; i < 10_000; i++) match(`172.16.${(i >> 8) & 255}.${i & 255}`)
    assert.strictEqual(match("10.1.0.9"), "i-narrow")
    assert.strictEqual(match("172.16.0.1"), "i-default")
  })

  it.effect("bindPeer fails with UnboundPeer carrying the refused address", () =>
    Effect.gen(function* () {
      const match = compileBinding(fleet("refuse"))
      assert.strictEqual(yield* bindPeer(match, "::ffff:127.0.0.2"), "i-exact")
      const error = yield* Effect.flip(bindPeer(match, "192.0.2.1"))
      assert.strictEqual(error._tag, "UnboundPeer")
      assert.strictEqual(error.address, "192.0.2.1")
    })
  )
})

describe("IpAddress edge forms", () => {
  const v6 = (text: string) => {
    const ip = parseIp(text)
    return ip === null ? null : formatIp(ip)
  }

  it("takes a dotted quad only as the last 32 bits of an IPv6 address, and only a valid one", () => {
    assert.strictEqual(v6("1:2:3:4:5:6:7.8.9.10"), "1:2:3:4:5:6:708:90a")
    assert.strictEqual(v6("0:0:0:0:0:ffff:1.2.3.4"), "1.2.3.4")
    assert.strictEqual(v6("::1.2.3.4"), "::102:304")
    for (const bad of ["::1.2.3.4:5", "1.2.3.4::", "::ffff:1.2.3", "::1.2.3.256", "::01.2.3.4"]) {
      assert.isNull(parseIp(bad), bad)
    }
  })

  it("takes one :: standing for at least one group, and exactly eight groups without it", () => {
    assert.strictEqual(v6("1:2:3:4:5:6::8"), "1:2:3:4:5:6:0:8")
    assert.strictEqual(v6("1::"), "1::")
    for (const bad of [
      "1::2::3",
      "1:2:3:4::5:6:7:8::9",
      "1:2:3:4:5:6:7:8::9::",
      "1:2:3:4:5:6:7::8",
      "1:2:3:4:5:6:7:8::",
      "1:2:3:4:5:6:7",
      "1:2:3:4:5:6:7:8:9"
    ]) {
      assert.isNull(parseIp(bad), bad)
    }
  })

  it("prints the RFC 5952 form: the first longest run of two or more zero groups becomes ::", () => {
    const cases: ReadonlyArray<readonly [string, string]> = [
      ["0:0:0:0:0:0:0:0", "::"],
      ["1:0:0:1:0:0:0:1", "1:0:0:1::1"],
      ["1:0:0:1:1:0:0:1", "1::1:1:0:0:1"],
      ["1:0:1:1:1:1:1:1", "1:0:1:1:1:1:1:1"],
      ["1:2:3:4:5:6:0:0", "1:2:3:4:5:6::"],
      ["0:0:1:2:3:4:5:6", "::1:2:3:4:5:6"],
      ["2001:DB8:0:0:0:0:0:1", "2001:db8::1"]
    ]
    for (const [text, canonical] of cases) assert.strictEqual(v6(text), canonical, text)
  })

  it("reads an IPv4-mapped block as the IPv4 block 96 bits shorter, and refuses prefixes outside the family", () => {
    assert.deepStrictEqual(parseCidr("::ffff:10.0.0.0/104"), { family: 4, network: 0x0a000000, prefix: 8 })
    assert.deepStrictEqual(parseCidr("::ffff:10.0.0.1"), { family: 4, network: 0x0a000001, prefix: 32 })
    assert.deepStrictEqual(parseCidr("10.0.0.0/8"), { family: 4, network: 0x0a000000, prefix: 8 })
    for (const bad of ["::ffff:10.0.0.0/95", "10.0.0.0/33", "::/129", "::ffff:10.0.0.0/129"]) {
      assert.isNull(parseCidr(bad), bad)
    }
  })

  it("knows when one block lies inside another", () => {
    const within = (inner: string, outer: string) => cidrWithin(parseCidr(inner)!, parseCidr(outer)!)
    assert.isTrue(within("10.1.0.0/16", "10.0.0.0/8"))
    assert.isTrue(within("10.0.0.0/8", "10.0.0.0/8"))
    assert.isTrue(within("10.1.2.3", "10.1.0.0/16"))
    assert.isFalse(within("10.0.0.0/8", "10.1.0.0/16"))
    assert.isFalse(within("10.0.0.0/8", "10.0.0.0/16"))
    assert.isFalse(within("11.0.0.0/16", "10.0.0.0/8"))
    assert.isTrue(within("fd00:1::/32", "fd00::/8"))
    assert.isFalse(within("fd00::/8", "fd00:1::/32"))
    assert.isFalse(within("10.0.0.0/8", "::/0"))
    assert.isFalse(within("::a00:0/104", "10.0.0.0/8"))
  })

  it("calls /32 and /128 blocks single addresses, and nothing wider", () => {
    for (const [text, single] of [
      ["10.0.0.1", true],
      ["10.0.0.0/31", false],
      ["::1", true],
      ["::/127", false]
    ] as const) {
      assert.strictEqual(isSingleAddress(parseCidr(text)!), single, text)
    }
  })
})

describe("binding edge cases", () => {
  it("ignores a source address that does not parse and binds the instance's other addresses", () => {
    const match = compileBinding({
      unmatchedPeers: "refuse",
      defaultInstanceId: "i-x",
      instances: [instance("i-x", ["not-an-address", "10.0.0.0/33", "10.0.0.1"])]
    })
    assert.strictEqual(match("10.0.0.1"), "i-x")
    assert.isNull(match("10.0.0.2"))
  })

  it("refuses unmatched peers when the default instance names no instance of the fleet", () => {
    const match = compileBinding({
      unmatchedPeers: "default",
      defaultInstanceId: "i-gone",
      instances: [instance("i-x", ["10.0.0.1"])]
    })
    assert.isNull(match("10.0.0.2"))
    assert.strictEqual(match("10.0.0.1"), "i-x")
  })
})
