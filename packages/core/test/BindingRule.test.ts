import { assert, describe, it } from "@effect/vitest"
import { bindingOverlaps, bindingsOf, fleetOverlaps } from "../src/fleet/BindingRule.ts"
import { compileBinding } from "../src/fleet/FleetBinding.ts"
import { defaultFleet } from "../src/fleet/FleetDefaults.ts"
import type { Instance } from "../src/fleet/Instance.ts"

const base = defaultFleet("rule").instances[0]!
const instance = (instanceId: string, sourceAddresses: ReadonlyArray<string>): Instance => ({
  ...base,
  instanceId,
  sourceAddresses
})
const messages = (...instances: ReadonlyArray<Instance>) =>
  fleetOverlaps(instances).map((o) => `${o.severity}: ${o.message}`)

describe("the binding rule", () => {
  it("an exact address beats a block that contains it, and the block's owner is warned which wins", () => {
    const instances = [instance("i-wide", ["127.0.0.0/24"]), instance("i-exact", ["127.0.0.2"])]
    const match = compileBinding({ unmatchedPeers: "refuse", defaultInstanceId: "i-wide", instances })
    assert.strictEqual(match("127.0.0.2"), "i-exact")
    assert.strictEqual(match("::ffff:127.0.0.2"), "i-exact")
    assert.strictEqual(match("127.0.0.3"), "i-wide")
    assert.deepStrictEqual(messages(...instances), [
      "warning: 127.0.0.0/24 (i-wide) contains 127.0.0.2 (i-exact): peers in 127.0.0.2 are i-exact (the longer prefix wins)"
    ])
  })

  it("the longer of two nested blocks wins, whichever comes first in the file", () => {
    const instances = [instance("i-narrow", ["10.1.0.0/16"]), instance("i-wide", ["10.0.0.0/8"])]
    const match = compileBinding({ unmatchedPeers: "refuse", defaultInstanceId: "i-wide", instances })
    assert.strictEqual(match("10.1.2.3"), "i-narrow")
    assert.strictEqual(match("10.2.0.1"), "i-wide")
    assert.deepStrictEqual(messages(...instances), [
      "warning: 10.0.0.0/8 (i-wide) contains 10.1.0.0/16 (i-narrow): peers in 10.1.0.0/16 are i-narrow (the longer prefix wins)"
    ])
  })

  it("the same range bound to two instances is an error naming both, in any spelling", () => {
    const overlaps = fleetOverlaps([
      instance("i-a", ["10.0.0.0/8", "127.0.0.2"]),
      instance("i-b", ["::ffff:10.0.0.0/104", "127.0.0.2/32"])
    ])
    assert.deepStrictEqual(
      overlaps.map((o) => [o.severity, o.message]),
      [
        [
          "error",
          "::ffff:10.0.0.0/104 = 10.0.0.0/8 (i-b) is the same range as 10.0.0.0/8 (i-a) at " +
            "instances[0].sourceAddresses[0]: a peer in it could be either instance"
        ],
        [
          "error",
          "127.0.0.2/32 = 127.0.0.2 (i-b) is the same range as 127.0.0.2 (i-a) at " +
            "instances[0].sourceAddresses[1]: a peer in it could be either instance"
        ]
      ]
    )
    const first = overlaps[0]!
    assert.strictEqual(first.severity === "error" ? first.second.path : "", "instances[1].sourceAddresses[0]")
  })

  it("says nothing of entries of one instance, of disjoint blocks, or of IPv4 against IPv6", () => {
    assert.deepStrictEqual(
      messages(
        instance("i-a", ["10.0.0.0/8", "10.1.0.0/16", "10.1.0.0/16", "0.0.0.0/0"]),
        instance("i-b", ["11.0.0.0/8", "::/0", "::1"]),
        instance("i-c", ["12.0.0.0/8"])
      ),
      [
        "warning: 0.0.0.0/0 (i-a) contains 11.0.0.0/8 (i-b): peers in 11.0.0.0/8 are i-b (the longer prefix wins)",
        "warning: 0.0.0.0/0 (i-a) contains 12.0.0.0/8 (i-c): peers in 12.0.0.0/8 are i-c (the longer prefix wins)"
      ]
    )
    assert.deepStrictEqual(messages(instance("i-a", ["10.0.0.0/9"]), instance("i-b", ["10.128.0.0/9"])), [])
    assert.deepStrictEqual(messages(instance("i-a", ["::/0"]), instance("i-b", ["127.0.0.1"])), [])
  })

  it("skips entries that do not parse and names each entry by its place", () => {
    const bindings = bindingsOf([instance("i-a", ["nope", "10.0.0.1"])], (i) => `fleet[${i}]`)
    assert.deepStrictEqual(
      bindings.map((b) => [b.text, b.path]),
      [["10.0.0.1", "fleet[0].sourceAddresses[1]"]]
    )
    assert.deepStrictEqual(bindingOverlaps(bindings), [])
  })
})
