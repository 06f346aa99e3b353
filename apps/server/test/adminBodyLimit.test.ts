// The admin plane's request body limit on the real entry points, Node and Bun: a body over the limit is answered 413
// in the admin API's error shape whether it declares its length or streams it, the operation does not run, and the
// connection goes on serving.
import http from "node:http"
import { afterAll, assert, beforeAll, describe, it } from "vitest"
import { type RuntimeName, type SpawnedServer, spawnServer } from "./support/spawn.ts"

interface Answer {
  readonly status: number
  readonly json: { Code?: string; Message?: string; RequestId?: string; rules?: ReadonlyArray<unknown> }
}

/** One admin request on `agent`; `chunks` are written one by one (chunked encoding when no length is declared). */
const send = (
  server: SpawnedServer,
  agent: http.Agent,
  method: string,
  path: string,
  chunks: ReadonlyArray<string> = [],
  declareLength = true
): Promise<Answer> =>
  new Promise((resolve, reject) => {
    const body = chunks.join("")
    const headers: Record<string, string> = { "content-type": "application/json" }
    if (chunks.length > 0 && declareLength) headers["content-length"] = String(Buffer.byteLength(body))
    const req = http.request(`${server.adminUrl}${path}`, { method, agent, headers, timeout: 20_000 }, (res) => {
      let text = ""
      res.setEncoding("utf8").on("data", (c: string) => (text += c))
      res.on("end", () => resolve({ status: res.statusCode ?? 0, json: text.startsWith("{") ? JSON.parse(text) : {} }))
    })
    req.on("error", reject)
    for (const chunk of chunks) req.write(chunk)
    req.end()
  })

const fault = (padding: number) =>
  JSON.stringify({ action: { type: "latency", ms: 1 }, pathPrefix: `/${"x".repeat(padding)}` })

describe.each(["node", "bun"] as const)("the admin body limit on %s", (runtime: RuntimeName) => {
  let server: SpawnedServer
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 })
  beforeAll(async () => {
    server = await spawnServer(runtime, { args: ["--admin-body-limit", "256", "--log-level", "warn"] })
  })
  afterAll(async () => {
    agent.destroy()
    await server.stop()
  })

  it("answers 413 in the admin error shape to a declared length over the limit, and changes nothing", async () => {
    const refused = await send(server, agent, "POST", "/v1/faults", [fault(4096)])
    assert.strictEqual(refused.status, 413)
    assert.strictEqual(refused.json.Code, "RequestBodyTooLarge")
    assert.match(refused.json.Message ?? "", /limit of 256 bytes/)
    assert.match(refused.json.RequestId ?? "", /^[0-9A-F-]{36}$/)
    assert.deepStrictEqual((await send(server, agent, "GET", "/v1/faults")).json.rules, [])
  })

  it("answers 413 to a streamed body once it passes the limit, then serves the same connection", async () => {
    const body = fault(100_000)
    const chunks = Array.from({ length: Math.ceil(body.length / 1000) }, (_, i) =>
      body.slice(i * 1000, i * 1000 + 1000)
    )
    const refused = await send(server, agent, "POST", "/v1/faults", chunks, false)
    assert.strictEqual(refused.status, 413)
    assert.strictEqual(refused.json.Code, "RequestBodyTooLarge")
    const added = await send(server, agent, "POST", "/v1/faults", [fault(10)])
    assert.strictEqual(added.status, 201)
    assert.strictEqual((await send(server, agent, "GET", "/v1/faults")).json.rules?.length, 1)
  })

  it("takes a body of exactly the limit", async () => {
    const body = JSON.stringify({ by: "1s" }).padEnd(256, " ")
    assert.strictEqual(Buffer.byteLength(body), 256)
    assert.strictEqual((await send(server, agent, "POST", "/v1/clock/advance", [body])).status, 200)
  })
})
