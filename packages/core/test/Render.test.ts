import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { TestClock } from "effect/testing"
import { credentialsAt, renderCredentials } from "../src/credentials/RamCredentials.ts"
import type { Instance } from "../src/fleet/Instance.ts"
import { defaultWireOptions, type InstanceState } from "../src/fleet/InstanceState.ts"
import { identityDocument } from "../src/metadata/MetadataTree.ts"
import { type RenderContext, resolve, resolveNow } from "../src/metadata/Render.ts"
import { ctx, linux, NOW, roleState, secret, stateOf, windows, withRole } from "./fixtures.ts"

const body = (state: InstanceState, path: string, context: RenderContext = ctx()): string | null => {
  const resolved = resolve(state, path, null, context)
  if (resolved._tag === "NotFound") return null
  if (resolved._tag !== "Body") return assert.fail(`expected a body for ${path}, got ${resolved._tag}`)
  return resolved.body as string
}
const of = (instance: Instance) => stateOf(instance)

const WINDOWS_LISTING =
  "disks/\ndns-conf/\neipv4\nhibernation/\nhostname\nimage-id\ninstance-id\ninstance/\nkms-server\nmac\n" +
  "network-type\nnetwork/\nntp-conf/\nowner-account-id\nprivate-ipv4\nregion-id\nserial-number\n" +
  "sub-private-ipv4-list\nvpc-cidr-block\nvpc-id\nvswitch-cidr-block\nvswitch-id\nwsus-server/\nzone-id"

const LINUX_2021_LISTING = [
  "dns-conf/",
  "eipv4",
  "hibernation/",
  "hostname",
  "image-id",
  "instance-id",
  "instance/",
  "launch-index",
  "mac",
  "network-type",
  "network/",
  "ntp-conf/",
  "owner-account-id",
  "private-ipv4",
  "public-keys/",
  "ram/",
  "region-id",
  "serial-number",
  "source-address",
  "sub-private-ipv4-list",
  "vpc-cidr-block",
  "vpc-id",
  "vswitch-cidr-block",
  "vswitch-id",
  "zone-id"
].join("\n")

describe("Render: versions and top level", () => {
  it("the root lists the two versions", () => {
    assert.strictEqual(body(of(linux), "/"), "2016-01-01\nlatest")
  })

  it("the top level lists what exists, without slashes, byte-sorted", () => {
    assert.strictEqual(body(of(linux), "/latest/"), "dynamic\nmaintenance\nmeta-data\nuser-data")
    assert.strictEqual(body(of(windows), "/latest"), "dynamic\nmaintenance\nmeta-data")
    assert.strictEqual(
      body(of({ ...linux, vendorData: "#cloud-config\n{}" }), "/latest"),
      "dynamic\nmaintenance\nmeta-data\nuser-data\nvendor-data"
    )
  })

  it("/2016-01-01/ serves the same tree as /latest/", () => {
    const state = roleState(withRole, NOW)
    for (const path of ["", "meta-data", "meta-data/ram/security-credentials/EcsRamRoleTest", "dynamic/"]) {
      assert.strictEqual(body(state, `/2016-01-01/${path}`), body(state, `/latest/${path}`), path)
    }
  })

  it("user-data is served as given, also with a trailing slash, and 404 when absent", () => {
    assert.strictEqual(body(of(linux), "/latest/user-data"), "#cloud-config\nhostname: web-1\n")
    assert.strictEqual(body(of(linux), "/latest/user-data/"), "#cloud-config\nhostname: web-1\n")
    assert.isNull(body(of(windows), "/latest/user-data"))
    assert.isNull(body(of(linux), "/latest/vendor-data"))
  })

  it("dynamic lists instance-identity without a slash, which lists document and pkcs7", () => {
    assert.strictEqual(body(of(linux), "/latest/dynamic/"), "instance-identity")
    assert.strictEqual(body(of(linux), "/latest/dynamic/instance-identity/"), "document\npkcs7")
    assert.strictEqual(body(of(linux), "/latest/maintenance"), "active-system-events")
    assert.strictEqual(body(of(linux), "/latest/dynamic/instance-identity/document"), identityDocument(linux))
  })

  it("pkcs7 asks the server to sign, passing the audience from the query", () => {
    const path = "/latest/dynamic/instance-identity/pkcs7"
    assert.deepStrictEqual(resolve(of(linux), path, null, ctx()), { _tag: "Pkcs7", audience: null })
    assert.deepStrictEqual(resolve(of(linux), path, new URLSearchParams("audience=sts%20x"), ctx()), {
      _tag: "Pkcs7",
      audience: "sts x"
    })
  })
})

describe("Render: meta-data listings", () => {
  it("reproduces the live Windows listing byte for byte", () => {
    assert.strictEqual(body(of(windows), "/latest/meta-data/"), WINDOWS_LISTING)
  })

  it("reproduces the 2021 Linux listing with key pair and role byte for byte", () => {
    assert.strictEqual(body(roleState(withRole, NOW), "/latest/meta-data/"), LINUX_2021_LISTING)
  })

  it("the complete Linux instance adds disks, image, public-ipv4 and never lists `all`", () => {
    const listing = body(of(linux), "/latest/meta-data/")!.split("\n")
    for (const item of ["disks/", "image/", "public-ipv4", "source-address"]) assert.include(listing, item)
    assert.notInclude(listing, "all")
    assert.deepStrictEqual([...listing].sort(), listing)
  })

  it("a directory without its slash lists too", () => {
    assert.strictEqual(body(of(windows), "/latest/meta-data"), WINDOWS_LISTING)
    assert.strictEqual(body(of(linux), "/latest/meta-data/dns-conf"), "nameservers")
  })

  it("a leaf with a trailing slash serves the same bytes", () => {
    assert.strictEqual(body(of(linux), "/latest/meta-data/instance-id/"), "i-bp13znx0m0me8cquu9k1")
    assert.strictEqual(body(of(linux), "/latest/meta-data/dns-conf/nameservers/"), "100.100.2.136\r\n100.100.2.138")
  })

  it("static segments match in any case, dynamic ones only exactly", () => {
    const state = roleState(withRole, NOW)
    assert.strictEqual(body(state, "/latest/meta-data/Ram/security-credentials/"), "EcsRamRoleTest")
    assert.strictEqual(body(state, "/latest/META-DATA/Instance-Id"), "i-uf6f5ot7msu2ml4kpq0a")
    assert.isNotNull(body(state, "/latest/meta-data/RAM/Security-Credentials/EcsRamRoleTest"))
    assert.isNull(body(state, "/latest/meta-data/ram/security-credentials/ecsramroletest"))
    assert.isNull(body(state, "/latest/meta-data/public-keys/SKP-uf6brtqj5sw1vqa1b2c3/openssh-key"))
  })

  it("paths that step outside the tree or hide separators are 404", () => {
    for (const path of [
      "/latest/meta-data/../user-data",
      "/latest//meta-data",
      "/latest/meta-data/ram%2Fsecurity-credentials",
      "/latest/meta-data/hostname/extra",
      "/latest/meta-data/nothing-here",
      "/latest/api/token",
      "/meta-data/hostname"
    ]) {
      assert.strictEqual(resolve(of(linux), path, null, ctx())._tag, "NotFound", path)
    }
  })
})

describe("Render: RAM role", () => {
  const path = "/latest/meta-data/ram/security-credentials/"

  it("without a role, ram/ and the role listing are 404", () => {
    assert.isNull(body(of(withRole), "/latest/meta-data/ram/"))
    assert.isNull(body(of(withRole), path))
    assert.isNull(body(of(withRole), `${path}EcsRamRoleTest`))
  })

  it("with a role, ram/ lists security-credentials/ and that lists the bare role name", () => {
    const state = roleState(withRole, NOW)
    assert.strictEqual(body(state, "/latest/meta-data/ram"), "security-credentials/")
    assert.strictEqual(body(state, path), "EcsRamRoleTest")
    assert.strictEqual(body(state, path.slice(0, -1)), "EcsRamRoleTest")
  })

  it("the role path serves the credential of the series at now; another name is 404", () => {
    const state = roleState(withRole, NOW - 1000)
    const expected = credentialsAt({ role: state.role!, instanceId: withRole.instanceId, secret }, NOW)
    assert.strictEqual(body(state, `${path}EcsRamRoleTest`), renderCredentials(expected, true))
    assert.strictEqual(
      body(state, `${path}EcsRamRoleTest`, ctx({ wire: { ...defaultWireOptions, credentialLeadingSpace: false } })),
      renderCredentials(expected, false)
    )
    assert.isNull(body(state, `${path}OtherRole`))
  })

  it.effect("resolveNow reads the Effect clock, so the served key rotates with TestClock", () =>
    Effect.gen(function* () {
      const state = roleState(withRole, 0)
      const options = { wire: defaultWireOptions, credentialSecret: secret }
      const read = resolveNow(state, `${path}EcsRamRoleTest`, null, options)
      const first = yield* read
      yield* TestClock.adjust((5.5 * 3600 - 1) * 1000) // one second before V − O
      assert.deepStrictEqual(yield* read, first)
      yield* TestClock.adjust("1 second")
      const second = yield* read
      assert.notDeepEqual(second, first)
      const series = { role: state.role!, instanceId: withRole.instanceId, secret }
      assert.deepStrictEqual(second, { _tag: "Body", body: renderCredentials(credentialsAt(series, 19_800_000), true) })
    })
  )
})

describe("Render: spot, events and state changes", () => {
  it("spot/termination-time is 404 until a reclaim is scheduled, then UTC to the second", () => {
    assert.isNull(body(of(linux), "/latest/meta-data/instance/spot/termination-time"))
    assert.notInclude(body(of(linux), "/latest/meta-data/instance/")!.split("\n"), "spot/")
    const scheduled = stateOf(linux, { spotTerminationMs: Date.UTC(2020, 3, 7, 17, 3, 0, 999), revision: 2 })
    assert.strictEqual(body(scheduled, "/latest/meta-data/instance/spot/termination-time"), "2020-04-07T17:03:00Z")
    assert.include(body(scheduled, "/latest/meta-data/instance/")!.split("\n"), "spot/")
    assert.strictEqual(body(scheduled, "/latest/meta-data/instance/spot"), "termination-time")
  })

  it("active-system-events follows wire options when none is published, the events once published", () => {
    const event = { eventId: "e-1", eventType: "SystemMaintenance.Reboot", publishMs: NOW, notBeforeMs: NOW + 3600_000 }
    const state = stateOf(linux, { systemEvents: [event] })
    const path = "/latest/maintenance/active-system-events"
    assert.isNull(body(state, path, ctx({ now: NOW - 1 })))
    const none = { ...defaultWireOptions, emptySystemEvents: { _tag: "Body", body: "None" } as const }
    assert.strictEqual(body(state, path, ctx({ now: NOW - 1, wire: none })), "None")
    assert.strictEqual(JSON.parse(body(state, path)!)[0].EventId, "e-1")
  })

  it("a new state is rendered afresh: detaching the role removes ram/", () => {
    const attached = roleState(withRole, NOW)
    assert.include(body(attached, "/latest/meta-data/")!, "ram/")
    const detached: InstanceState = { ...attached, role: null, revision: attached.revision + 1 }
    assert.notInclude(body(detached, "/latest/meta-data/")!, "ram/")
  })
})

describe("Render: overrides", () => {
  const overridden = (overrides: Instance["overrides"]) => of({ ...linux, overrides })

  it("a string replaces an existing leaf", () => {
    const state = overridden({ "instance/instance-type": "ecs.g8i.xlarge" })
    assert.strictEqual(body(state, "/latest/meta-data/instance/instance-type"), "ecs.g8i.xlarge")
  })

  it("a string creates a new leaf and its directories, and listings show them", () => {
    const state = overridden({ "instance/instance-type-spec/max-netpps": "1000000", "global-thing": "x" })
    assert.strictEqual(body(state, "/latest/meta-data/instance/instance-type-spec/max-netpps"), "1000000")
    assert.include(body(state, "/latest/meta-data/instance/")!.split("\n"), "instance-type-spec/")
    assert.strictEqual(body(state, "/latest/meta-data/instance/instance-type-spec"), "max-netpps")
    assert.include(body(state, "/latest/meta-data/")!.split("\n"), "global-thing")
  })

  it("null deletes a leaf or a whole directory, from listings too", () => {
    const state = overridden({ eipv4: null, "disks/": null, "dns-conf/nameservers": null })
    assert.isNull(body(state, "/latest/meta-data/eipv4"))
    assert.isNull(body(state, "/latest/meta-data/disks/bp131n0q38u3a4zi0001/id"))
    const listing = body(state, "/latest/meta-data/")!.split("\n")
    assert.notInclude(listing, "eipv4")
    assert.notInclude(listing, "disks/")
    assert.strictEqual(body(state, "/latest/meta-data/dns-conf/"), "")
  })

  it("overrides match static names case-insensitively and show in meta-data/all", () => {
    const state = overridden({ "Instance/Instance-Name": "renamed" })
    assert.strictEqual(body(state, "/latest/meta-data/instance/instance-name"), "renamed")
    assert.strictEqual(JSON.parse(body(state, "/latest/meta-data/all")!).instance["instance-name"], "renamed")
  })
})

describe("Render: meta-data/all", () => {
  const leaves = [
    "dns-conf/nameservers",
    "ntp-conf/ntp-servers",
    "sub-private-ipv4-list",
    "instance/instance-type",
    "network/interfaces/macs/00:16:3e:0f:12:34/private-ipv4s",
    "public-keys/skp-uf6brtqj5sw1vqa1b2c3/openssh-key",
    "hibernation/configured",
    "launch-index"
  ]

  it("is one compact JSON object whose leaves equal the single-item bodies byte for byte", () => {
    const state = roleState(withRole, NOW)
    const all = body(state, "/latest/meta-data/all")!
    assert.strictEqual(all, JSON.stringify(JSON.parse(all)))
    const tree = JSON.parse(all)
    for (const leaf of leaves) {
      const value = leaf.split("/").reduce((node, key) => node[key], tree)
      assert.strictEqual(value, body(state, `/latest/meta-data/${leaf}`), leaf)
    }
    assert.strictEqual(tree["sub-private-ipv4-list"], "")
    assert.strictEqual(tree["dns-conf"].nameservers, "100.100.2.136\r\n100.100.2.138")
  })

  it("has exactly the keys of the listing, without slashes and without itself", () => {
    const state = of(linux)
    const keys = Object.keys(JSON.parse(body(state, "/2016-01-01/meta-data/all")!))
    const listing = body(state, "/latest/meta-data/")!.split("\n")
    assert.deepStrictEqual(
      keys,
      listing.map((item) => item.replace(/\/$/, ""))
    )
  })

  it("shows the role name but never credentials", () => {
    const state = roleState(withRole, NOW)
    const all = body(state, "/latest/meta-data/all")!
    assert.deepStrictEqual(JSON.parse(all).ram, { "security-credentials": "EcsRamRoleTest" })
    assert.notInclude(all, "AccessKeyId")
    assert.notInclude(all, "STS.")
  })

  it("is 404 when switched off, so the cloud-init crawl fallback can be exercised", () => {
    const off = ctx({ wire: { ...defaultWireOptions, metaDataAll: false } })
    assert.isNull(body(of(linux), "/latest/meta-data/all", off))
    assert.isNotNull(body(of(linux), "/latest/meta-data/all"))
  })
})
