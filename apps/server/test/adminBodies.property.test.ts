// The admin listener's request bodies, as a property: for every operation that changes something, any body — any
// JSON value, a valid body with a field removed, replaced by any JSON or joined by an unknown one, or text that is not
// JSON — is either decoded and carried out (2xx, or the 404/409 the operation declares), or refused with a 400 whose
// message names a field of that body (or the body as a whole). Never a 5xx.
import { AdminContract, fillPath, type Operation, type OperationId } from "@aliyun-imds/admin-api"
import { checkAsyncProperty } from "@aliyun-imds/vitest-config/property"
import fc from "fast-check"
import { afterAll, assert, beforeAll, describe, it } from "vitest"
import { type Harness, makeHarness } from "./support/harness.ts"

type Json = null | boolean | number | string | ReadonlyArray<Json> | { readonly [key: string]: Json }

/** A valid body for each operation with a body Schema, written from its documentation. */
const validBodies: Partial<Record<OperationId, Json>> = {
  AdvanceClock: { by: "90s" },
  SetClock: { to: "2030-01-01T00:00:00Z" },
  ScheduleSpotTermination: { in: "2h" },
  CreateSimulatedSystemEvents: { eventType: "SystemMaintenance.Reboot", in: "24h" },
  AddFaultRule: { route: "metadata", pathPrefix: "/latest/", action: { type: "status", status: 503 }, times: 1 },
  CreateInstance: { hostname: "web-9", tags: { env: "dev" }, metadataOptions: { HttpTokens: "required" } },
  SetMetadataItem: { value: "x" },
  ModifyFleetMetadataOptions: { HttpTokens: "required" },
  ModifyInstanceMetadataOptions: { HttpEndpoint: "enabled", HttpTokens: "optional" },
  ResetFleet: { all: true },
  AttachInstanceRamRole: { name: "RoleX", validitySeconds: 3600, overlapSeconds: 600 },
  SetThrottleRule: { target: "*", ratePerSecond: 1000, burst: 50 }
}

/** Every operation that takes a body (GET and HEAD requests cannot carry one). */
const operations = (Object.entries(AdminContract) as Array<[OperationId, Operation]>).filter(
  ([, op]) => op.method !== "GET"
)

const isObject = (v: unknown): v is Record<string, Json> => typeof v === "object" && v !== null && !Array.isArray(v)

/** Every object key anywhere in a JSON value. */
const keysIn = (v: Json): ReadonlyArray<string> =>
  Array.isArray(v) ? v.flatMap(keysIn) : isObject(v) ? Object.entries(v).flatMap(([k, x]) => [k, ...keysIn(x)]) : []

const anyJson = fc.jsonValue({ maxDepth: 3 }) as fc.Arbitrary<Json>

/** A body for `id`: its valid body edited once, any JSON, or not JSON at all. */
const bodyFor = (id: OperationId): fc.Arbitrary<string> => {
  const valid = validBodies[id] ?? {}
  const keys = Object.keys(isObject(valid) ? valid : {})
  const edited = fc.oneof(
    fc.constant(valid),
    fc.record({ key: fc.constantFrom(...keys, "extra"), value: anyJson }).map(({ key, value }) => ({
      ...(valid as object),
      [key]: value
    })),
    fc
      .constantFrom(...keys, "none")
      .map((key) => Object.fromEntries(Object.entries(valid as object).filter(([k]) => k !== key))),
    fc
      .record({ key: fc.string({ maxLength: 8 }), value: anyJson })
      .map(({ key, value }) => ({ [key]: value, ...(valid as object) }))
  ) as fc.Arbitrary<Json>
  return fc.oneof(
    { weight: 4, arbitrary: edited.map((v) => JSON.stringify(v)) },
    { weight: 2, arbitrary: anyJson.map((v) => JSON.stringify(v)) },
    { weight: 1, arbitrary: fc.constantFrom("", " ", "{", "[1,", "nul", '{"a":1}{}', "\u0000", "{}") },
    { weight: 1, arbitrary: fc.string({ maxLength: 12 }) }
  )
}

const call = fc.constantFrom(...operations).chain(([id, op]) => bodyFor(id).map((body) => ({ id, op, body })))

/** The field a 400 names: the quoted one in the message, or the parameter an ECS `Invalid<Field>.NotSupported` code is. */
const namedField = (code: string, message: string): string | null =>
  /^The (?:specified|input) parameter "(.*)" (?:is not valid|that is mandatory)/.exec(message)?.[1] ??
  /^Invalid(\w+)\.NotSupported$/.exec(code)?.[1] ??
  null

/** `a.b[2]["odd key"]` → a, b, odd key (indices left out). */
const keysOfField = (field: string): ReadonlyArray<string> =>
  [...field.matchAll(/\[("(?:[^"\\]|\\.)*")\]|([A-Za-z_$(][\w$)]*)/g)].map((m) =>
    m[1] !== undefined ? (JSON.parse(m[1]) as string) : m[2]!
  )

let h: Harness

beforeAll(async () => {
  h = await makeHarness()
})
afterAll(() => h?.dispose())

describe("admin request bodies, as a property", () => {
  it("decodes any body or refuses it with a 400 naming its field, on every operation, never with a 5xx", async () => {
    const statuses = new Map<number, number>()
    await checkAsyncProperty(
      fc.asyncProperty(call, async ({ id, op, body }) => {
        const path = fillPath(op.path, { id: "default", path: "hostname" })
        const res = await h.admin.request(path, { method: op.method, body })
        const text = await res.text()
        const what = `${op.method} ${path} (${id}) ${JSON.stringify(body)} → ${res.status} ${text}`
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1)
        assert.isBelow(res.status, 500, what)
        const reply = JSON.parse(text) as { Code?: string; Message?: string; RequestId?: string }
        assert.isString(reply.RequestId, what)
        if (res.status === 400) {
          const field = namedField(reply.Code ?? "", reply.Message ?? "")
          assert.isNotNull(field, `the refusal names no field: ${what}`)
          let parsed: Json | undefined
          try {
            parsed = JSON.parse(body) as Json
          } catch {
            parsed = undefined
          }
          const known = new Set([
            "(body)",
            ...keysIn(parsed ?? null),
            ...keysIn(validBodies[id] ?? null),
            ...Object.keys((op.body as { fields?: object } | undefined)?.fields ?? {}),
            // The instance a path names (`{id}`) is refused by its id, e.g. the last one cannot be deleted.
            ...(op.params === undefined ? [] : ["(path)", "instanceId", ...Object.keys(op.params.fields)])
          ])
          const segments = keysOfField(field!)
          assert.isTrue(
            segments.some((s) => known.has(s)),
            `the refusal names ${JSON.stringify(field)}, not a field of the body: ${what}`
          )
        } else if (res.status >= 400) {
          assert.include([...(op.errors ?? []), 404], res.status, what)
        }
        // An empty or `{}` body deletes the default instance now and then: bring the fleet back now and then too.
        if (id === "DeleteInstance") await h.admin.request("/v1/reset", { method: "POST" })
      }),
      { runs: 500 }
    )
    // Both ways out were taken: bodies carried out and bodies refused.
    assert.isAbove(
      [...statuses].filter(([s]) => s < 300).reduce((n, [, c]) => n + c, 0),
      100
    )
    assert.isAbove(statuses.get(400) ?? 0, 100)
  })
})
