// Whole-fleet admin operations: reset to the loaded fleet (optionally clearing every run-time rule), reload of the
// fleet file (a broken file is refused naming the field while the old fleet keeps serving), and the identity
// certificate that verifies the pkcs7 signature.
import { mkdtemp, rm, writeFile } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { verifyPkcs7 } from "@aliyun-imds/core"
import { afterEach, beforeEach, describe, expect, it } from "vitest"
import { fleetSource } from "../src/FleetSource.ts"
import { type Harness, makeHarness } from "./support/harness.ts"

let h: Harness
let dir: string
let file: string

const fleetYaml = (instanceId: string, zone = "cn-hangzhou-h") =>
  `version: 1\nseed: admin-fleet-test\ninstances:\n  - instanceId: ${instanceId}\n    regionId: cn-hangzhou\n    zoneId: ${zone}\n`

/** Two instances, i-wide01 and i-narrow01, bound to these addresses. */
const bindings = (wide: ReadonlyArray<string>, narrow: ReadonlyArray<string>) =>
  `version: 1\nseed: admin-fleet-test\ninstances:\n` +
  `  - instanceId: i-wide01\n    sourceAddresses: ${JSON.stringify(wide)}\n` +
  `  - instanceId: i-narrow01\n    sourceAddresses: ${JSON.stringify(narrow)}\n`

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "aliyun-imds-admin-"))
  file = join(dir, "fleet.yaml")
  await writeFile(file, fleetYaml("i-first01"))
  const source = fleetSource({ configPath: file })
  h = await makeHarness({ fleet: await source.load(), source })
})
afterEach(async () => {
  await h.dispose()
  await rm(dir, { recursive: true, force: true })
})

const send = (method: string, path: string, body?: unknown) => h.adminJson(method, path, body)
const get = async (path: string) => {
  const res = await h.request(path)
  return { status: res.status, text: await res.text() }
}
const instanceId = "/latest/meta-data/instance-id"

describe("reload", () => {
  it("serves the changed fleet file", async () => {
    await writeFile(file, fleetYaml("i-second01"))
    const r = await send("POST", "/v1/reload")
    expect(r.json).toMatchObject({ source: file, defaultInstanceId: "i-second01", instanceCount: 1 })
    expect((await get(instanceId)).text).toBe("i-second01")
  })

  it("refuses a broken file with 400 naming the field, and the old fleet keeps serving", async () => {
    await writeFile(file, fleetYaml("i-second01", "cn-beijing-h"))
    const r = await send("POST", "/v1/reload")
    expect([r.status, r.json.Code]).toEqual([400, "InvalidParameter"])
    expect(r.json.Message).toContain('"instances[0].zoneId"')
    expect((await get(instanceId)).text).toBe("i-first01")
  })

  it("refuses a file that is not YAML and one that is gone", async () => {
    await writeFile(file, "version: [1\n")
    expect((await send("POST", "/v1/reload")).status).toBe(400)
    await rm(file)
    const gone = await send("POST", "/v1/reload")
    expect(gone.status).toBe(400)
    expect(gone.json.Message).toContain("ENOENT")
    expect((await get(instanceId)).text).toBe("i-first01")
  })

  it("refuses a range bound to two instances with 400 naming both instances and ranges; the old fleet stays", async () => {
    await writeFile(file, bindings(["127.0.0.0/24"], ["::ffff:127.0.0.0/120"]))
    const r = await send("POST", "/v1/reload")
    expect([r.status, r.json.Code]).toEqual([400, "InvalidParameter"])
    expect(r.json.Message).toContain('"instances[1].sourceAddresses[0]"')
    expect(r.json.Message).toContain(
      "::ffff:127.0.0.0/120 = 127.0.0.0/24 (i-narrow01) is the same range as 127.0.0.0/24 (i-wide01)"
    )
    expect((await get(instanceId)).text).toBe("i-first01")
  })

  it("serves a nested binding by the longer prefix, and answers and logs the overlap as a warning", async () => {
    const lines: Array<Record<string, unknown>> = []
    await h.dispose()
    const source = fleetSource({ configPath: file })
    h = await makeHarness({
      fleet: await source.load(),
      source,
      log: { level: "warn", sink: (line) => lines.push(JSON.parse(line)) }
    })
    await writeFile(file, bindings(["127.0.0.0/24"], ["127.0.0.2"]))
    const r = await send("POST", "/v1/reload")
    const warning =
      "instances[0].sourceAddresses[0]: 127.0.0.0/24 (i-wide01) contains 127.0.0.2 (i-narrow01): peers in 127.0.0.2 " +
      "are i-narrow01 (the longer prefix wins)"
    expect([r.status, r.json.warnings]).toEqual([200, [warning]])
    expect(lines).toMatchObject([
      {
        level: "warn",
        message: "address bindings overlap: the longer prefix wins",
        entry: "instances[0].sourceAddresses[0]",
        outer: "127.0.0.0/24",
        outerInstanceId: "i-wide01",
        inner: "127.0.0.2",
        innerInstanceId: "i-narrow01"
      }
    ])
    const as = (address: string) => h.request(instanceId, {}, { address, port: 40000 }).then((res) => res.text())
    expect([await as("127.0.0.2"), await as("127.0.0.3")]).toEqual(["i-narrow01", "i-wide01"])
  })

  it("answers no warnings for a fleet whose bindings do not overlap", async () => {
    await writeFile(file, bindings(["127.0.0.0/25"], ["127.0.0.128/25"]))
    const r = await send("POST", "/v1/reload")
    expect([r.status, r.json.warnings]).toEqual([200, []])
  })

  it("answers an unexpected failure with 500 InternalError, ECS-shaped", async () => {
    await h.dispose()
    const broken = { describe: "broken source", load: () => Promise.reject(new Error("disk on fire")) }
    h = await makeHarness({ source: broken })
    const r = await send("POST", "/v1/reload")
    expect([r.status, r.json.Code]).toEqual([500, "InternalError"])
    expect(Object.keys(r.json).sort()).toEqual(["Code", "Message", "RequestId"])
    expect(r.json.Message).not.toContain("disk on fire")
  })
})

describe("reset", () => {
  it("returns instances to the loaded fleet and leaves run-time rules alone", async () => {
    await send("PUT", "/v1/instances/default/metadata/hostname", { value: "changed" })
    await send("POST", "/v1/instances", { instanceId: "i-extra01" })
    await send("PUT", "/v1/throttle", { ratePerSecond: 100, burst: 100 })
    const r = await send("POST", "/v1/reset")
    expect(r.json).toMatchObject({ defaultInstanceId: "i-first01", instanceCount: 1 })
    expect((await get("/latest/meta-data/hostname")).text).not.toBe("changed")
    expect((await send("GET", "/v1/throttle")).json.rules).toHaveLength(1)
  })

  it("with `all` also resets the clock, rules, counters and journal, and revokes tokens", async () => {
    const token = await h.token()
    await send("POST", "/v1/clock/advance", { by: "1h" })
    await send("PUT", "/v1/throttle", { ratePerSecond: 100, burst: 100 })
    await send("POST", "/v1/faults", { action: { type: "latency", ms: 0 } })
    await get(instanceId)
    const r = await send("POST", "/v1/reset", { all: true })
    expect(r.status).toBe(200)
    expect((await send("GET", "/v1/clock")).json.offsetMs).toBe(0)
    expect((await send("GET", "/v1/throttle")).json.rules).toEqual([])
    expect((await send("GET", "/v1/faults")).json.rules).toEqual([])
    expect((await send("GET", "/v1/counters")).json.totals.total).toBe(0)
    expect((await send("GET", "/v1/journal")).json.size).toBe(0)
    const res = await h.request(instanceId, { headers: { "X-aliyun-ecs-metadata-token": token } })
    expect(res.status).toBe(401)
  })

  it("refuses a reset body with a wrong type", async () => {
    const r = await send("POST", "/v1/reset", { all: "yes" })
    expect([r.status, r.json.Message.includes('"all"')]).toEqual([400, true])
  })
})

describe("identity certificate", () => {
  it("is a PEM certificate that verifies the pkcs7 signature of the identity document", async () => {
    const pem = await send("GET", "/v1/identity/certificate")
    expect(pem.status).toBe(200)
    expect(pem.text).toMatch(/^-----BEGIN CERTIFICATE-----\n[\s\S]+\n-----END CERTIFICATE-----\n?$/)
    const pkcs7 = (await get("/latest/dynamic/instance-identity/pkcs7")).text
    const document = (await get("/latest/dynamic/instance-identity/document")).text
    const verified = await h.run(verifyPkcs7(pkcs7, pem.text))
    expect(verified).toEqual({ valid: true, content: document })
  })
})
