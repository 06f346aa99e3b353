// Properties of fleet-file decoding: no text or value makes the decoder throw (every outcome is a decoded fleet or
// one FleetInvalid), and the field a refusal names is where the problem is — exactly the field that was broken in an
// otherwise valid file, in JSON and in YAML alike, and in any generated file a place that is in it (or a required
// field missing from an object that is).

import { checkProperty } from "@aliyun-imds/vitest-config/property"
import { afterAll, assert, beforeAll, describe, it, vi } from "@effect/vitest"
import { Result } from "effect"
import fc from "fast-check"
import { stringify as toYaml } from "yaml"
import { FleetInvalid } from "../src/Errors.ts"
import { decodeFleetResult } from "../src/fleet/Fleet.ts"

type Json = null | boolean | number | string | ReadonlyArray<Json> | { readonly [key: string]: Json }
type Segment = string | number

/** Reads a reported field path back into segments: `a.b[2]["odd key"]`, `(root)` or `(file)`. */
const segmentsOf = (path: string): ReadonlyArray<Segment> | null => {
  if (path === "(root)" || path === "(file)") return []
  const out: Array<Segment> = []
  let rest = path
  let first = true
  while (rest !== "") {
    const name = (first ? /^([A-Za-z_$][\w$]*)/ : /^\.([A-Za-z_$][\w$]*)/).exec(rest)
    const index = /^\[(\d+)\]/.exec(rest)
    const quoted = /^\[("(?:[^"\\]|\\.)*")\]/.exec(rest)
    if (name !== null) out.push(name[1]!)
    else if (index !== null) out.push(Number(index[1]))
    else if (quoted !== null) out.push(JSON.parse(quoted[1]!) as string)
    else return null
    rest = rest.slice((name ?? index ?? quoted)![0].length)
    first = false
  }
  return out
}

const isObject = (v: unknown): v is Record<string, Json> => typeof v === "object" && v !== null && !Array.isArray(v)

/** The value at `path`, `missing` when the last step names an absent key of an object, `undefined` when off the map. */
const missing = Symbol("missing")
const at = (doc: Json, path: ReadonlyArray<Segment>): Json | typeof missing | undefined => {
  let here: Json = doc
  for (let i = 0; i < path.length; i++) {
    const step = path[i]!
    if (Array.isArray(here) && typeof step === "number" && step < here.length) here = here[step] as Json
    else if (isObject(here) && Object.hasOwn(here, String(step))) here = here[String(step)]!
    else return i === path.length - 1 && isObject(here) ? missing : undefined
  }
  return here
}

const decodeJson = (doc: Json) => decodeFleetResult(JSON.stringify(doc), "json")
const decodeYaml = (doc: Json) => decodeFleetResult(toYaml(doc), "yaml")

const failureOf = (result: ReturnType<typeof decodeFleetResult>): FleetInvalid | null =>
  Result.isFailure(result) ? result.failure : null

// --- valid files, and one thing broken in them --------------------------------------------------------------------

const validFiles: ReadonlyArray<Json> = [
  { version: 1 },
  {
    version: 1,
    seed: "props",
    unmatchedPeers: "refuse",
    defaultInstance: "i-bp1second",
    defaults: {
      regionId: "cn-hangzhou",
      osType: "linux",
      metadataOptions: { HttpEndpoint: "enabled", HttpTokens: "optional", InstanceMetadataTags: "disabled" },
      dnsNameservers: ["100.100.2.136", "100.100.2.138"],
      tags: { env: "dev" }
    },
    wire: { contentType: "text/plain", credentialLeadingSpace: false, metaDataAll: true },
    instances: [
      {
        instanceId: "i-bp1first",
        sourceAddresses: ["127.0.0.2", "10.0.0.0/8", "::1"],
        hostname: "web-1",
        launchIndex: 0,
        ramRole: { name: "EcsRamRoleTest", validitySeconds: 21600, overlapSeconds: 1800 },
        userData: "#!/bin/sh\necho hi",
        tags: { team: "core" },
        overrides: { "instance/instance-type": "ecs.g7.large" },
        networkInterfaces: [
          {
            mac: "00:16:3e:0f:12:34",
            primaryIpAddress: "192.168.0.10",
            privateIpv4s: ["192.168.0.10"],
            vswitchCidrBlock: "192.168.0.0/24",
            vpcCidrBlock: "192.168.0.0/16",
            ipv6s: ["2408:4005:325:a204::1"]
          }
        ],
        disks: [{ id: "d-bp131n0q38u3a4zi0001", name: "system" }],
        publicKeys: [{ id: "skp-bp1test", openssh: "ssh-ed25519 AAAA test" }],
        spot: true
      },
      {
        instanceId: "i-bp1second",
        regionId: "cn-beijing",
        zoneId: "cn-beijing-k",
        metadataOptions: { HttpTokens: "required" },
        wsusServer: { wuServer: "http://update", wuStatusServer: "http://update" },
        maxNetbwEgress: 1024
      }
    ]
  }
]

/** Fields that take more than one JSON type (null, or a number or a string); breaking them by type is ambiguous. */
const multiTyped = new Set(["launchIndex", "ramRole", "userData", "wsusServer", "emptySystemEvents", "ipv6Gateway"])
/** Objects whose keys are data, where any key is allowed. */
const records = new Set(["tags", "overrides"])

interface Place {
  readonly path: ReadonlyArray<Segment>
  readonly value: Json
}

const placesIn = (value: Json, path: ReadonlyArray<Segment> = []): ReadonlyArray<Place> => {
  const here = { path, value }
  if (Array.isArray(value)) return [here, ...value.flatMap((v: Json, i) => placesIn(v, [...path, i]))]
  if (isObject(value)) return [here, ...Object.entries(value).flatMap(([k, v]) => placesIn(v, [...path, k]))]
  return [here]
}

const typeOf = (v: Json): string => (v === null ? "null" : Array.isArray(v) ? "array" : typeof v)

const replaced = (doc: Json, path: ReadonlyArray<Segment>, value: Json | undefined): Json => {
  if (path.length === 0) return value ?? null
  const [head, ...rest] = path as [Segment, ...Array<Segment>]
  if (Array.isArray(doc)) return doc.map((v: Json, i) => (i === head ? replaced(v, rest, value) : v))
  const obj = doc as Record<string, Json>
  const next = rest.length === 0 && value === undefined ? undefined : replaced(obj[head]!, rest, value)
  return Object.fromEntries(
    Object.entries({ ...obj, [head]: next }).filter((e): e is [string, Json] => e[1] !== undefined)
  )
}

interface Broken {
  readonly doc: Json
  /** Where the problem is. */
  readonly path: ReadonlyArray<Segment>
}

/** One valid file with exactly one field broken: a value of a type it never takes, an unknown field, no version. */
const broken: fc.Arbitrary<Broken> = fc
  .tuple(fc.constantFrom(...validFiles), fc.nat(), fc.jsonValue({ maxDepth: 2 }), fc.string({ maxLength: 6 }))
  .map(([doc, pick, replacement, key]): Broken => {
    const places = placesIn(doc).filter((p) => p.path.length > 0)
    const target = places[pick % places.length]!
    const name = target.path.at(-1)
    const parent = target.path.at(-2)
    if (isObject(target.value) && !records.has(String(name)) && pick % 3 === 0) {
      // An unknown field; odd names must come back quoted.
      const unknown = `zz${key}`
      return { doc: replaced(doc, [...target.path, unknown], 1), path: [...target.path, unknown] }
    }
    if (target.path.length === 1 && pick % 7 === 0)
      return { doc: replaced(doc, ["version"], undefined), path: ["version"] }
    const ambiguous =
      multiTyped.has(String(name)) ||
      (typeof name === "number" && multiTyped.has(String(parent))) ||
      records.has(String(parent))
    const unusable = typeOf(replacement as Json) === typeOf(target.value) || replacement === null || ambiguous
    const value: Json = unusable ? (typeof target.value === "string" ? 7 : "seven") : (replacement as Json)
    return { doc: replaced(doc, target.path, value), path: target.path }
  })

// --- generated files ------------------------------------------------------------------------------------------------

const anyJson = fc.jsonValue({ maxDepth: 2 }) as fc.Arbitrary<Json>
/** Mostly a plausible value (valid or nearly), now and then any JSON at all. */
const maybe = <T extends Json>(plausible: fc.Arbitrary<T>): fc.Arbitrary<Json> =>
  fc.oneof({ weight: 8, arbitrary: plausible }, { weight: 1, arbitrary: anyJson })

const sharedLike = {
  regionId: maybe(fc.constantFrom("cn-hangzhou", "cn-beijing", "nowhere")),
  zoneId: maybe(fc.constantFrom("cn-hangzhou-i", "cn-beijing-k", "nowhere-a")),
  metadataOptions: maybe(
    fc.record({ HttpTokens: maybe(fc.constantFrom("optional", "required", "Required")) }, { requiredKeys: [] })
  ),
  ramRole: maybe(
    fc.record(
      { name: maybe(fc.constantFrom("Role", "bad role")), overlapSeconds: maybe(fc.integer({ min: -1, max: 30_000 })) },
      { requiredKeys: ["name"] }
    )
  ),
  tags: maybe(fc.dictionary(fc.constantFrom("env", "a b", ".", "k:1"), fc.string({ maxLength: 4 }), { maxKeys: 2 })),
  overrides: maybe(
    fc.dictionary(fc.constantFrom("hostname", "a//b", "../x", "a/./b"), fc.option(fc.string({ maxLength: 4 })), {
      maxKeys: 2
    })
  ),
  userDataBase64: maybe(fc.constantFrom("aGk=", "!!", "")),
  userData: maybe(fc.option(fc.string({ maxLength: 4 })))
}

const instanceLike = fc
  .record(
    {
      ...sharedLike,
      instanceId: maybe(fc.constantFrom("i-a1", "i-b2", "i-", "I-UPPER", "i-a1")),
      sourceAddresses: maybe(
        fc.array(fc.constantFrom("127.0.0.2", "10.0.0.0/8", "10.0.0.1/8", "::1", "x"), { maxLength: 3 })
      ),
      hostname: maybe(fc.string({ maxLength: 4 })),
      networkInterfaces: maybe(
        fc.array(
          fc.record(
            {
              primaryIpAddress: maybe(fc.constantFrom("192.168.0.10", "10.1.0.1", "300.1.1.1")),
              vswitchCidrBlock: maybe(fc.constantFrom("192.168.0.0/24", "192.168.0.1/24", "10.0.0.0/8")),
              vpcCidrBlock: maybe(fc.constantFrom("192.168.0.0/16", "172.16.0.0/12"))
            },
            { requiredKeys: [] }
          ),
          { maxLength: 2 }
        )
      ),
      disks: maybe(fc.array(fc.record({ id: maybe(fc.constantFrom("d-abc", "x")) }), { maxLength: 2 })),
      extra: anyJson
    },
    { requiredKeys: [] }
  )
  .map(({ extra, ...fields }) => (typeof extra === "number" ? { ...fields, [`x-${extra}`]: extra } : fields))

const fleetLike = fc.record(
  {
    version: maybe(fc.constant(1)),
    seed: maybe(fc.string({ maxLength: 6 })),
    unmatchedPeers: maybe(fc.constantFrom("default", "refuse", "default", "drop")),
    defaultInstance: maybe(fc.constantFrom("i-a1", "i-b2", "i-zz")),
    defaults: maybe(fc.record(sharedLike, { requiredKeys: [] })),
    wire: maybe(
      fc.record({ emptySystemEvents: maybe(fc.constantFrom(404, "404", "None", 405)) }, { requiredKeys: [] })
    ),
    instances: maybe(fc.array(instanceLike, { maxLength: 3 }))
  },
  { requiredKeys: ["version"] }
) as fc.Arbitrary<Json>

/** Texts that are not quite YAML or JSON: the parser's corners (anchors, merges, tags, directives, flow syntax). */
const yamlish = fc
  .array(
    fc.constantFrom(
      "version: 1",
      "instances:",
      "  - instanceId: i-a1",
      "  - &a { hostname: x }",
      "  - *a",
      "  - <<: *a",
      "  - <<: *missing",
      "defaults: !!binary aGk=",
      "defaults: !!map { a: 1 }",
      "? [a]\n: 1",
      "%YAML 1.2\n---",
      "---",
      "...",
      "{",
      "[",
      "'",
      '"',
      "\t",
      "- -",
      ": :",
      "seed: !!int 0x1F",
      "seed: 1e400",
      "version: !!float 1",
      "instances: [{instanceId: i-a1}, {instanceId: i-a1}]",
      "\u0000",
      "\ufeff"
    ),
    { maxLength: 8 }
  )
  .map((lines) => lines.join("\n"))

const anyText = fc.oneof(
  fc.string({ unit: "binary", maxLength: 120 }),
  yamlish,
  fleetLike.map((doc) => JSON.stringify(doc)),
  fleetLike.map((doc) => toYaml(doc)),
  fleetLike.map((doc) => JSON.stringify(doc).slice(0, 40))
)

describe("fleet decoding, as a property", () => {
  // The YAML parser warns (through process warnings) about tags it does not know; its words are not under test.
  const warnings = vi.spyOn(process, "emitWarning")
  beforeAll(() => {
    warnings.mockImplementation(() => {})
  })
  afterAll(() => warnings.mockRestore())

  it("never throws: any text is a fleet or one refusal naming a field", () => {
    checkProperty(
      fc.property(anyText, fc.constantFrom(undefined, "json" as const, "yaml" as const), (text, format) => {
        const result = decodeFleetResult(text, format)
        if (Result.isFailure(result)) {
          assert.instanceOf(result.failure, FleetInvalid)
          assert.isNotEmpty(result.failure.path)
          assert.isNotEmpty(result.failure.message)
          assert.isNotNull(segmentsOf(result.failure.path), `unreadable path ${result.failure.path}`)
        }
      }),
      { runs: 500 }
    )
  })

  it("names exactly the field that was broken in a valid file, in JSON and in YAML", () => {
    for (const doc of validFiles) assert.isTrue(Result.isSuccess(decodeJson(doc)), JSON.stringify(doc))
    checkProperty(
      fc.property(broken, ({ doc, path }) => {
        for (const [format, result] of [
          ["json", decodeJson(doc)],
          ["yaml", decodeYaml(doc)]
        ] as const) {
          const failure = failureOf(result)
          assert.isNotNull(failure, `${format}: the broken file was accepted`)
          assert.deepStrictEqual(segmentsOf(failure!.path), path, `${format}: ${failure!.path}: ${failure!.message}`)
        }
      }),
      { runs: 400 }
    )
  })

  it("names a field of the file: one in it, or a required one missing from an object in it", () => {
    checkProperty(
      fc.property(fleetLike, (doc) => {
        const failure = failureOf(decodeJson(doc))
        if (failure === null) return
        const path = segmentsOf(failure.path)
        assert.isNotNull(path, failure.path)
        assert.notStrictEqual(at(doc, path!), undefined, `${failure.path}: ${failure.message} is not in the file`)
      }),
      { runs: 600 }
    )
  })
})
