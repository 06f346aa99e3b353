import { assert, describe, it } from "@effect/vitest"
import { Effect, Result } from "effect"
import { Base64 } from "effect/encoding"
import {
  decodeFleet,
  decodeFleetResult,
  decodeInstanceInput,
  fleetJsonSchema,
  fleetReport
} from "../src/fleet/Fleet.ts"
import type { FleetConfig } from "../src/fleet/FleetSchema.ts"
import { assertPublishedSchema } from "./publishedSchema.ts"

const exampleYaml = `
version: 1
seed: "demo"
unmatchedPeers: refuse
defaultInstance: i-bp1second
defaults:
  regionId: cn-hangzhou
  osType: linux
  metadataOptions: { HttpEndpoint: enabled, HttpTokens: optional, InstanceMetadataTags: disabled }
wire: { contentType: "text/plain; charset=utf-8", credentialLeadingSpace: false, metaDataAll: false, emptySystemEvents: "None" }
instances:
  - instanceId: i-bp1first
    sourceAddresses: ["127.0.0.2", "10.0.0.0/8", "::1"]
    ramRole: { name: EcsRamRoleTest }
    userData: "#!/bin/sh\\necho hi"
    tags: { env: dev }
    overrides: { "instance/instance-type": "ecs.g7.large" }
  - instanceId: i-bp1second
    metadataOptions: { HttpTokens: required }
`

const exampleJson = JSON.stringify({
  version: 1,
  seed: "demo",
  unmatchedPeers: "refuse",
  defaultInstance: "i-bp1second",
  defaults: {
    regionId: "cn-hangzhou",
    osType: "linux",
    metadataOptions: { HttpEndpoint: "enabled", HttpTokens: "optional", InstanceMetadataTags: "disabled" }
  },
  wire: {
    contentType: "text/plain; charset=utf-8",
    credentialLeadingSpace: false,
    metaDataAll: false,
    emptySystemEvents: "None"
  },
  instances: [
    {
      instanceId: "i-bp1first",
      sourceAddresses: ["127.0.0.2", "10.0.0.0/8", "::1"],
      ramRole: { name: "EcsRamRoleTest" },
      userData: "#!/bin/sh\necho hi",
      tags: { env: "dev" },
      overrides: { "instance/instance-type": "ecs.g7.large" }
    },
    { instanceId: "i-bp1second", metadataOptions: { HttpTokens: "required" } }
  ]
})

const decoded = (text: string): FleetConfig => {
  const result = decodeFleetResult(text)
  if (Result.isFailure(result)) assert.fail(`${result.failure.path}: ${result.failure.message}`)
  return result.success
}

/** `path: message` of the failure of a fleet given as a JS value. */
const problem = (fleet: unknown): string => {
  const result = decodeFleetResult(JSON.stringify(fleet), "json")
  if (Result.isSuccess(result)) return assert.fail("expected the fleet to be rejected")
  return `${result.failure.path}: ${result.failure.message}`
}

const withInstances = (...instances: Array<unknown>) => ({ version: 1, instances })

describe("Fleet.decodeFleet", () => {
  it("decodes the documented YAML example into complete instances", () => {
    const fleet = decoded(exampleYaml)
    assert.strictEqual(fleet.seed, "demo")
    assert.strictEqual(fleet.unmatchedPeers, "refuse")
    assert.strictEqual(fleet.defaultInstanceId, "i-bp1second")
    const [first, second] = fleet.instances
    assert.deepStrictEqual(first!.sourceAddresses, ["127.0.0.2", "10.0.0.0/8", "::1"])
    assert.deepStrictEqual(first!.ramRole, { name: "EcsRamRoleTest", validitySeconds: 21_600, overlapSeconds: 1_800 })
    assert.strictEqual(first!.userData, "#!/bin/sh\necho hi")
    assert.deepStrictEqual(first!.tags, { env: "dev" })
    assert.deepStrictEqual(first!.overrides, { "instance/instance-type": "ecs.g7.large" })
    assert.strictEqual(first!.regionId, "cn-hangzhou")
    assert.strictEqual(first!.hostname, "iZbp1firstZ")
    assert.strictEqual(second!.metadataOptions.HttpTokens, "required")
    assert.isNull(second!.ramRole)
  })

  it("lets YAML fleets share blocks through anchors and merge keys", () => {
    const fleet = decoded(`
version: 1
instances:
  - &web { instanceId: i-one, regionId: cn-qingdao, tags: { role: web } }
  - { <<: *web, instanceId: i-two }
`)
    assert.deepStrictEqual(
      fleet.instances.map((i) => [i.instanceId, i.regionId, i.tags.role]),
      [
        ["i-one", "cn-qingdao", "web"],
        ["i-two", "cn-qingdao", "web"]
      ]
    )
  })

  it("decodes the same fleet from JSON to the same config as from YAML", () => {
    assert.deepStrictEqual(decoded(exampleJson), decoded(exampleYaml))
    assert.deepStrictEqual(decoded(exampleYaml), decoded(exampleYaml))
  })

  it("maps the wire options, with 404 meaning Not Found", () => {
    assert.deepStrictEqual(decoded(exampleYaml).wire, {
      contentType: "text/plain; charset=utf-8",
      credentialLeadingSpace: false,
      metaDataAll: false,
      emptySystemEvents: { _tag: "Body", body: "None" }
    })
    const notFound = decoded("version: 1\nwire: { emptySystemEvents: 404 }").wire
    assert.deepStrictEqual(notFound.emptySystemEvents, { _tag: "NotFound" })
    assert.deepStrictEqual(decoded("version: 1").wire, {
      contentType: "text/plain",
      credentialLeadingSpace: true,
      metaDataAll: true,
      emptySystemEvents: { _tag: "NotFound" }
    })
  })

  it("generates exactly one default instance when instances are absent or empty", () => {
    const absent = decoded("version: 1")
    assert.strictEqual(absent.instances.length, 1)
    assert.strictEqual(absent.seed, "aliyun-imds")
    assert.strictEqual(absent.unmatchedPeers, "default")
    assert.strictEqual(absent.defaultInstanceId, absent.instances[0]!.instanceId)
    assert.deepStrictEqual(decoded("version: 1\ninstances: []"), absent)
  })

  it("makes the first instance the default when none is named", () => {
    const fleet = decoded(JSON.stringify(withInstances({ instanceId: "i-one" }, { instanceId: "i-two" })))
    assert.strictEqual(fleet.defaultInstanceId, "i-one")
  })

  it("names the field and the offending value in schema errors", () => {
    const bad = exampleYaml.replace("HttpTokens: required", "HttpTokens: sometimes")
    const result = decodeFleetResult(bad)
    assert.isTrue(Result.isFailure(result))
    if (Result.isFailure(result)) {
      assert.strictEqual(result.failure.path, "instances[1].metadataOptions.HttpTokens")
      assert.strictEqual(result.failure.message, 'expected "optional" | "required", got "sometimes"')
    }
  })

  it("rejects a missing or wrong version, unknown fields and wrong types", () => {
    assert.strictEqual(problem({}), "version: required field is missing")
    assert.strictEqual(problem({ version: 2 }), "version: expected 1, got 2")
    assert.strictEqual(problem(withInstances({ sourceAdresses: [] })), "instances[0].sourceAdresses: unknown field")
    assert.match(problem(withInstances({ osType: "macos" })), /^instances\[0\]\.osType: expected "linux" \| "windows"/)
    assert.match(
      problem({ version: 1, defaults: { maxNetbwEgress: 1.5 } }),
      /^defaults\.maxNetbwEgress: expected an integer/
    )
    assert.match(problem(withInstances({ ramRole: { name: "has space" } })), /^instances\[0\]\.ramRole\.name: /)
    assert.match(problem([1]), /^\(root\): expected object/)
  })

  it("rejects instance ids that are not i- plus lowercase letters and digits", () => {
    for (const id of ["bp1abc", "i-BP1", "i-", "i-bp1_x"]) {
      assert.match(problem(withInstances({ instanceId: id })), /^instances\[0\]\.instanceId: expected an instance id/)
    }
  })

  it("reports malformed YAML and JSON at the file level", () => {
    const yaml = decodeFleetResult("version: 1\ninstances: [\n", "yaml")
    const json = decodeFleetResult('{ "version": 1,', "json")
    assert.isTrue(
      Result.isFailure(yaml) && yaml.failure.path === "(file)" && /^invalid YAML/.test(yaml.failure.message)
    )
    assert.isTrue(
      Result.isFailure(json) && json.failure.path === "(file)" && /^invalid JSON/.test(json.failure.message)
    )
  })

  it("rejects duplicate instance ids", () => {
    assert.strictEqual(
      problem(withInstances({ instanceId: "i-a" }, { instanceId: "i-b" }, { instanceId: "i-a" })),
      "instances[2].instanceId: duplicate of instances[0] (i-a)"
    )
  })

  it("rejects an address or block bound to two instances, in any spelling, naming both instances and ranges", () => {
    const clash = (a: string, b: string) =>
      problem(withInstances({ instanceId: "i-a", sourceAddresses: [a] }, { instanceId: "i-b", sourceAddresses: [b] }))
    assert.strictEqual(
      clash("127.0.0.2", "127.0.0.2"),
      "instances[1].sourceAddresses[0]: 127.0.0.2 (i-b) is the same range as 127.0.0.2 (i-a) at " +
        "instances[0].sourceAddresses[0]: a peer in it could be either instance"
    )
    assert.match(
      clash("127.0.0.2", "::ffff:127.0.0.2"),
      /::ffff:127\.0\.0\.2 = 127\.0\.0\.2 \(i-b\) is the same range as 127\.0\.0\.2 \(i-a\)/
    )
    assert.match(
      clash("127.0.0.2", "127.0.0.2/32"),
      /127\.0\.0\.2\/32 = 127\.0\.0\.2 \(i-b\) is the same range as 127\.0\.0\.2 \(i-a\)/
    )
    assert.match(clash("::1", "0:0::1"), /0:0::1 = ::1 \(i-b\) is the same range as ::1 \(i-a\)/)
    assert.match(
      clash("10.0.0.0/8", "::ffff:10.0.0.0/104"),
      /= 10\.0\.0\.0\/8 \(i-b\) is the same range as 10\.0\.0\.0\/8 \(i-a\)/
    )
  })

  it("accepts nested blocks across instances and repeats within one instance", () => {
    const fleet = decoded(
      JSON.stringify(
        withInstances(
          { instanceId: "i-a", sourceAddresses: ["10.0.0.0/8", "10.0.0.0/8"] },
          { instanceId: "i-b", sourceAddresses: ["10.1.0.0/16", "10.2.3.4"] }
        )
      )
    )
    assert.strictEqual(fleet.instances.length, 2)
  })

  it("rejects bad addresses and blocks, naming the list entry", () => {
    for (const bad of ["127.0.0.256", "10.0.0.1/8", "localhost", "10.0.0.0/40"]) {
      assert.match(
        problem(withInstances({ sourceAddresses: ["127.0.0.2", bad] })),
        /^instances\[0\]\.sourceAddresses\[1\]: expected an IP address or CIDR block/
      )
    }
    assert.match(
      problem(withInstances({ networkInterfaces: [{ primaryIpAddress: "10.0.0" }] })),
      /^instances\[0\]\.networkInterfaces\[0\]\.primaryIpAddress: expected an IPv4 address/
    )
  })

  it("accepts tag keys of letters, digits and @:_-.=, and rejects others, . and ..", () => {
    assert.deepStrictEqual(
      decoded(JSON.stringify(withInstances({ tags: { "a@b:c_d-e.f=g,h9": "v" } }))).instances[0]!.tags,
      {
        "a@b:c_d-e.f=g,h9": "v"
      }
    )
    for (const key of [".", "..", "has space", "slash/key", ""]) {
      assert.match(problem(withInstances({ tags: { [key]: "v" } })), /^instances\[0\]\.tags: invalid tag key/)
    }
    assert.match(problem({ version: 1, defaults: { tags: { "a b": "v" } } }), /^defaults\.tags: invalid tag key/)
  })

  it("rejects a defaultInstance that is not in the fleet", () => {
    assert.strictEqual(
      problem({ version: 1, defaultInstance: "i-ghost", instances: [{ instanceId: "i-real" }] }),
      "defaultInstance: no instance has id i-ghost"
    )
  })

  it("accepts user data of exactly 16 KiB and rejects one byte more, as text or base64", () => {
    const limit = "x".repeat(16 * 1024)
    assert.strictEqual(decoded(JSON.stringify(withInstances({ userData: limit }))).instances[0]!.userData, limit)
    assert.match(
      problem(withInstances({ userData: `${limit}x` })),
      /^instances\[0\]\.userData: user data exceeds 16384/
    )
    assert.match(problem(withInstances({ userData: `${"x".repeat(16 * 1024 - 1)}é` })), /exceeds/)
    const over = Base64.encode(new Uint8Array(16 * 1024 + 1))
    assert.match(problem(withInstances({ userDataBase64: over })), /^instances\[0\]\.userDataBase64: user data exceeds/)
  })

  it("rejects invalid base64 and user data given twice", () => {
    assert.strictEqual(
      problem(withInstances({ userDataBase64: "not base64!" })),
      "instances[0].userDataBase64: expected valid base64"
    )
    assert.match(problem(withInstances({ userData: "a", userDataBase64: "YQ==" })), /not both/)
  })

  it("rejects a zone outside the region and addresses outside their blocks", () => {
    assert.strictEqual(
      problem(withInstances({ regionId: "cn-hangzhou", zoneId: "cn-beijing-a" })),
      'instances[0].zoneId: zone "cn-beijing-a" is not in region "cn-hangzhou"'
    )
    assert.match(
      problem(
        withInstances({ networkInterfaces: [{ vswitchCidrBlock: "10.1.1.0/24", primaryIpAddress: "10.1.2.5" }] })
      ),
      /^instances\[0\]\.networkInterfaces\[0\]\.primaryIpAddress: 10\.1\.2\.5 is not inside 10\.1\.1\.0\/24/
    )
    assert.match(
      problem(withInstances({ networkInterfaces: [{ vpcCidrBlock: "10.1.0.0/16", vswitchCidrBlock: "10.2.0.0/24" }] })),
      /^instances\[0\]\.networkInterfaces\[0\]\.vswitchCidrBlock: /
    )
  })

  it("rejects a role whose overlap is not shorter than its validity", () => {
    assert.match(
      problem(withInstances({ ramRole: { name: "R", validitySeconds: 900, overlapSeconds: 900 } })),
      /^instances\[0\]\.ramRole\.overlapSeconds: must be shorter/
    )
  })

  it("rejects overrides that are not meta-data paths", () => {
    assert.match(
      problem(withInstances({ overrides: { "a/../b": "x" } })),
      /^instances\[0\]\.overrides: invalid meta-data path/
    )
  })

  it.effect("fails the Effect with FleetInvalid and succeeds with the config", () =>
    Effect.gen(function* () {
      const fleet = yield* decodeFleet(exampleJson, "json")
      assert.strictEqual(fleet.instances.length, 2)
      const error = yield* Effect.flip(decodeFleet("version: 3"))
      assert.strictEqual(error._tag, "FleetInvalid")
      assert.strictEqual(error.path, "version")
    })
  )

  it.effect("validates one run-time instance with fields named under instance", () =>
    Effect.gen(function* () {
      const input = yield* decodeInstanceInput({ instanceId: "i-new", tags: { env: "qa" } })
      assert.strictEqual(input.instanceId, "i-new")
      const error = yield* Effect.flip(decodeInstanceInput({ metadataOptions: { HttpEndpoint: "on" } }))
      assert.strictEqual(error.path, "instance.metadataOptions.HttpEndpoint")
    })
  )
})

describe("Fleet.fleetJsonSchema", () => {
  it("matches the published fleet.schema.json (UPDATE_SCHEMA=1 rewrites it)", () => {
    assertPublishedSchema("fleet.schema.json", fleetJsonSchema())
  })

  it("describes a closed object whose only required field is version", () => {
    const schema = fleetJsonSchema()
    assert.strictEqual(schema.$schema, "https://json-schema.org/draft/2020-12/schema")
    assert.deepStrictEqual(schema.required, ["version"])
    assert.isFalse(schema.additionalProperties)
    assert.containsAllKeys(schema.properties, ["instances", "defaults", "wire", "unmatchedPeers", "seed"])
  })
})

describe("Fleet.fleetReport", () => {
  const broken = [
    "version: 1\ninstances:\n  - instanceId: i-a01\n  - instanceId: i-a01\n  - instanceId: i-a01\n",
    "version: 1\nseed: 7\nwire: { metaDataAll: maybe }\n",
    "version: 1\ninstances:\n  - sourceAddresses: [nowhere]\n  - sourceAddresses: [x]\n",
    "version: 1\ndefaultInstance: i-none01\n",
    "version: [\n",
    '{ "version": 2 }'
  ]

  it("gives the same config as decodeFleetResult for a valid file, with no problems", () => {
    const report = fleetReport(exampleYaml, "yaml")
    assert.deepStrictEqual(report.problems, [])
    assert.deepStrictEqual(report.config, Result.getOrThrow(decodeFleetResult(exampleYaml, "yaml")))
  })

  it("starts with the problem decodeFleetResult names, and lists the others after it", () => {
    for (const text of broken) {
      const report = fleetReport(text)
      const first = decodeFleetResult(text)
      assert.isUndefined(report.config)
      assert.isTrue(Result.isFailure(first), text)
      if (Result.isFailure(first)) assert.deepStrictEqual(report.problems[0], first.failure, text)
    }
    const paths = (text: string) => fleetReport(text).problems.map((p) => p.path)
    assert.deepStrictEqual(paths(broken[0]!), ["instances[1].instanceId", "instances[2].instanceId"])
    assert.deepStrictEqual(paths(broken[1]!), ["seed", "wire.metaDataAll"])
    assert.deepStrictEqual(paths(broken[2]!), ["instances[0].sourceAddresses[0]", "instances[1].sourceAddresses[0]"])
  })
})
