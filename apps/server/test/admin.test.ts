// The admin listener's plumbing: bearer auth, 404/405, ECS-shaped errors naming the offending field, RequestIds,
// the OpenAPI document matching the registered routes, and Prometheus metrics.
import { openApiDocument } from "@aliyun-imds/admin-api"
import { afterEach, beforeEach, describe, expect, it } from "vitest"
import { type Harness, makeHarness } from "./support/harness.ts"

let h: Harness
beforeEach(async () => {
  h = await makeHarness()
})
afterEach(() => h.dispose())

const send = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
  const init = { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) }
  const res = await h.admin.request(path, init)
  const text = await res.text()
  return { res, status: res.status, text, json: text.startsWith("{") ? JSON.parse(text) : null }
}

describe("admin auth", () => {
  const token = "s3cret-admin-token"
  beforeEach(async () => {
    await h.dispose()
    h = await makeHarness({ adminToken: token })
  })

  it("refuses every route but /health without the bearer token (401, ECS-shaped)", async () => {
    expect((await send("GET", "/health")).status).toBe(200)
    for (const path of ["/v1/instances", "/metrics", "/openapi.json", "/v1/clock", "/v1/nope"]) {
      const r = await send("GET", path)
      expect(r.status, path).toBe(401)
      expect(r.json.Code).toBe("InvalidAuthorization")
      expect(r.res.headers.get("www-authenticate")).toMatch(/^Bearer/)
    }
  })

  it("refuses a wrong token, a token of a different length and a non-Bearer scheme", async () => {
    for (const auth of [`Bearer ${token.slice(0, -1)}x`, `Bearer ${token}x`, `Basic ${token}`, token]) {
      expect((await send("GET", "/v1/clock", undefined, { authorization: auth })).status, auth).toBe(401)
    }
  })

  it("accepts the right token, and a mutation behind it takes effect", async () => {
    const auth = { authorization: `Bearer ${token}` }
    expect((await send("GET", "/v1/clock", undefined, auth)).status).toBe(200)
    expect((await send("POST", "/v1/clock/advance", { by: "1h" })).status).toBe(401)
    expect((await send("GET", "/v1/clock", undefined, auth)).json.offsetMs).toBe(0)
    expect((await send("POST", "/v1/clock/advance", { by: "1h" }, auth)).json.offsetMs).toBe(3_600_000)
  })
})

describe("admin routing and errors", () => {
  it("answers an unknown route with 404 InvalidAction.NotFound", async () => {
    const r = await send("GET", "/v1/unknown")
    expect(r.status).toBe(404)
    expect(Object.keys(r.json).sort()).toEqual(["Code", "Message", "RequestId"])
    expect(r.json.Code).toBe("InvalidAction.NotFound")
  })

  it("answers a known path with the wrong method with 405 and an Allow header", async () => {
    const r = await send("PATCH", "/v1/throttle")
    expect(r.status).toBe(405)
    expect(r.res.headers.get("allow")).toBe("GET, HEAD, PUT, DELETE")
    expect(r.json.Code).toBe("UnsupportedHTTPMethod")
    expect((await send("GET", "/v1/clock/advance")).status).toBe(405)
  })

  it("puts a RequestId (upper-case UUID) in every body and in x-acs-request-id", async () => {
    const ok = await send("GET", "/v1/clock")
    expect(ok.json.RequestId).toMatch(/^[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$/)
    expect(ok.res.headers.get("x-acs-request-id")).toBe(ok.json.RequestId)
    const bad = await send("POST", "/v1/clock/advance", {})
    expect(bad.json.RequestId).toMatch(/^[0-9A-F-]{36}$/)
    expect(bad.json.RequestId).not.toBe(ok.json.RequestId)
  })

  it("refuses a body that is not JSON with 400 naming the body", async () => {
    const res = await h.admin.request("/v1/clock/advance", { method: "POST", body: "{by: 6h" })
    const body = await res.json()
    expect(res.status).toBe(400)
    expect(body.Code).toBe("InvalidParameter")
    expect(body.Message).toContain('"(body)"')
  })

  it("names a missing field (MissingParameter), a wrong type and an unknown field (InvalidParameter)", async () => {
    const missing = await send("POST", "/v1/clock/advance", {})
    expect([missing.status, missing.json.Code]).toEqual([400, "MissingParameter"])
    expect(missing.json.Message).toContain('"by"')
    const wrongType = await send("PUT", "/v1/throttle", { ratePerSecond: "fast", burst: 1 })
    expect([wrongType.status, wrongType.json.Code]).toEqual([400, "InvalidParameter"])
    expect(wrongType.json.Message).toContain('"ratePerSecond"')
    const unknown = await send("POST", "/v1/clock/advance", { by: "1h", speed: 2 })
    expect(unknown.status).toBe(400)
    expect(unknown.json.Message).toContain('"speed"')
    expect(unknown.json.Message).toContain("unknown field")
  })

  it("names the nested field of a bad body value", async () => {
    const r = await send("POST", "/v1/faults", { action: { type: "status", status: 700 } })
    expect(r.status).toBe(400)
    expect(r.json.Message).toContain('"action.status"')
  })

  it("refuses a body on an operation that takes none, and an unknown query parameter", async () => {
    const body = await send("POST", "/v1/clock/freeze", { now: 1 })
    expect(body.status).toBe(400)
    expect(body.json.Message).toContain('"now"')
    // Named as every other field is: an odd or empty key quoted, so the message shows which one it was.
    expect((await send("POST", "/v1/clock/freeze", { "a b": 1 })).json.Message).toContain('"["a b"]"')
    expect((await send("POST", "/v1/clock/freeze", { "": 1 })).json.Message).toContain('"[""]"')
    expect((await send("POST", "/v1/clock/freeze", {})).status).toBe(200)
    const query = await send("GET", "/v1/journal?instanceId=x")
    expect(query.status).toBe(400)
    expect(query.json.Message).toContain('"instanceId"')
  })

  it("answers /health with the runtime and /v1/info with the metadata listener's address", async () => {
    expect((await send("GET", "/health")).json).toMatchObject({ status: "ok", runtime: "test" })
    const info = (await send("GET", "/v1/info")).json
    expect(info).toMatchObject({ dataUrl: "http://127.0.0.1:0", defaultInstanceId: h.instanceId, instanceCount: 1 })
  })
})

/** A registered Hono path (`:id`, `:path{.+}`) in OpenAPI syntax (`{id}`, `{path}`). */
const openApiPath = (honoPath: string): string => honoPath.replace(/:(\w+)(\{[^}]*\})?/g, "{$1}")

describe("admin OpenAPI document", () => {
  const documentPaths = async () => (await send("GET", "/openapi.json")).json

  it("describes every registered route and method", async () => {
    const doc = await documentPaths()
    expect(doc.openapi).toBe("3.1.0")
    // The web console's pages (`/`, `/assets/*`) are files, not operations of the API.
    const registered = h.admin.routes.filter((r) => r.method !== "ALL" && r.path !== "/" && r.path !== "/assets/*")
    expect(registered.length).toBeGreaterThan(40)
    for (const route of registered) {
      const operation = doc.paths[openApiPath(route.path)]?.[route.method.toLowerCase()]
      expect(operation, `${route.method} ${route.path}`).toBeDefined()
      expect(Object.keys(operation.responses)).toContain("400")
    }
    const documented = Object.values(doc.paths).reduce((n: number, ops) => n + Object.keys(ops as object).length, 0)
    expect(documented).toBe(registered.length)
  })

  it("serves the document the contract derives, with no dangling $ref", async () => {
    const doc = await documentPaths()
    expect(doc).toEqual(JSON.parse(JSON.stringify(openApiDocument())))
    const refs = [...JSON.stringify(doc).matchAll(/"\$ref":"#\/components\/schemas\/([^"]+)"/g)].map((m) => m[1]!)
    expect(refs.length).toBeGreaterThan(10)
    for (const ref of refs) expect(doc.components.schemas[ref], ref).toBeDefined()
  })
})

describe("admin metrics", () => {
  it("serves the counters and fleet gauges as Prometheus text", async () => {
    await h.request("/latest/meta-data/instance-id")
    await send("POST", "/v1/clock/advance", { by: "90s" })
    const r = await send("GET", "/metrics")
    expect(r.res.headers.get("content-type")).toContain("text/plain; version=0.0.4")
    expect(r.text).toContain(`aliyun_imds_normal_ok_total{instance_id="${h.instanceId}"} 1`)
    expect(r.text).toContain("aliyun_imds_fleet_instances 1")
    expect(r.text).toContain("aliyun_imds_clock_offset_seconds 90")
    expect(r.text).toMatch(
      new RegExp(`aliyun_imds_instance_info\\{instance_id="${h.instanceId}",.*http_tokens="optional"`)
    )
    expect(r.text.endsWith("\n")).toBe(true)
  })
})
