// How the ECS API endpoint authenticates what the unmodified official SDK sends: both signature methods, the account's
// AccessKey, and the STS keys an instance's RAM role gets from the metadata service (valid on the virtual clock).
import { createServer, type IncomingHttpHeaders } from "node:http"
import type { AddressInfo } from "node:net"
import * as OpenApi from "@alicloud/openapi-core"
import { afterAll, assert, beforeAll, describe, it } from "vitest"
import { makeEcsHandler } from "../src/ecs/EcsApp.ts"
import { type RunningServer, startServer } from "../src/startServer.ts"
import { Ecs, ecsClient, type Keys, refusal } from "./support/ecsClient.ts"
import { rawRequest } from "./support/http.ts"

let server: RunningServer
let account: Keys

beforeAll(async () => {
  server = await startServer({ seed: "ecs-auth-test", logLevel: "silent" })
  account = server.ecsAccessKeys[0]!
})
afterAll(() => server.stop())

const describeRegion = (keys: Keys, signatureAlgorithm?: "v2") =>
  ecsClient(server.ecsUrl!, keys, signatureAlgorithm).describeInstances(
    new Ecs.DescribeInstancesRequest({
      regionId: server.services.fleet.getUnsafe(server.defaultInstanceId)!.instance.regionId
    })
  )

/** The role credentials the metadata service serves the default instance now. */
const roleCredentials = async () => {
  const base = `${server.dataUrl}/latest/meta-data/ram/security-credentials/`
  const role = (await rawRequest(base)).text
  const body = JSON.parse((await rawRequest(`${base}${role}`)).text) as Record<string, string>
  return { accessKeyId: body.AccessKeyId!, accessKeySecret: body.AccessKeySecret!, securityToken: body.SecurityToken! }
}

interface Captured {
  readonly method: string
  readonly url: string
  readonly headers: IncomingHttpHeaders
  readonly body: Buffer
}

/** Runs `call` against a recording proxy in front of the ECS listener and returns the request it sent. */
const capture = async (call: (url: string) => Promise<unknown>): Promise<Captured> => {
  let seen: Captured | undefined
  const proxy = createServer((request, response) => {
    const chunks: Array<Buffer> = []
    request.on("data", (c: Buffer) => chunks.push(c))
    request.on("end", async () => {
      seen = { method: request.method!, url: request.url!, headers: request.headers, body: Buffer.concat(chunks) }
      const forwarded = await rawRequest(`${server.ecsUrl}${request.url}`, {
        method: request.method!,
        headers: request.headers as Record<string, string>,
        body: seen.body.toString("latin1")
      })
      response.writeHead(forwarded.status, { "content-type": "application/json" }).end(forwarded.body)
    })
  })
  await new Promise<void>((done) => proxy.listen(0, "127.0.0.1", done))
  await call(`http://127.0.0.1:${(proxy.address() as AddressInfo).port}`)
  await new Promise((done) => proxy.close(done))
  if (seen === undefined) throw new Error("nothing captured")
  return seen
}

const replay = (request: Captured) =>
  rawRequest(`${server.ecsUrl}${request.url}`, {
    method: request.method,
    headers: request.headers as Record<string, string>,
    body: request.body.toString("latin1")
  })

describe("ECS API authentication with the official SDK", () => {
  it("accepts the account's key with the default ACS3-HMAC-SHA256 and with the RPC HMAC-SHA1 (v2) signature", async () => {
    assert.isAtLeast((await describeRegion(account)).body?.totalCount ?? 0, 1)
    assert.isAtLeast((await describeRegion(account, "v2")).body?.totalCount ?? 0, 1)
  })

  it("a wrong secret is SignatureDoesNotMatch and an unknown key InvalidAccessKeyId.NotFound, both ways", async () => {
    for (const algorithm of [undefined, "v2"] as const) {
      const tampered = await refusal(describeRegion({ ...account, accessKeySecret: "not-the-secret" }, algorithm))
      assert.deepInclude(tampered, { code: "SignatureDoesNotMatch", status: 400 })
      assert.include(tampered.message, "Specified signature is not matched with our calculation.")
      const unknown = await refusal(describeRegion({ ...account, accessKeyId: "LTAI5tUnknownKey000000" }, algorithm))
      assert.deepInclude(unknown, { code: "InvalidAccessKeyId.NotFound", status: 404 })
    }
  })

  it("a request changed after signing is SignatureDoesNotMatch; a replayed one SignatureNonceUsed", async () => {
    const sent = await capture((url) =>
      describeRegion(account).then(() =>
        ecsClient(url, account).describeInstances(new Ecs.DescribeInstancesRequest({ regionId: "cn-hangzhou" }))
      )
    )
    const replayed = JSON.parse((await replay(sent)).text) as { Code: string }
    assert.strictEqual(replayed.Code, "SignatureNonceUsed")
    const edited = JSON.parse((await replay({ ...sent, url: sent.url.replace("cn-hangzhou", "cn-beijing") })).text) as {
      Code: string
    }
    assert.strictEqual(edited.Code, "SignatureDoesNotMatch")
  })

  it("a timestamp more than 15 minutes from the wall clock is InvalidTimeStamp.Expired", async () => {
    const sent = await capture((url) =>
      ecsClient(url, account).describeInstances(new Ecs.DescribeInstancesRequest({ regionId: "cn-hangzhou" }))
    )
    const later = makeEcsHandler({
      runtime: server.effectRuntime,
      services: server.services,
      log: { log: () => {} } as never,
      wallNow: () => Date.now() + 16 * 60_000
    })
    const response = await later(
      new Request(`${server.ecsUrl}${sent.url}`, {
        method: sent.method,
        headers: Object.entries(sent.headers).map(([k, v]): [string, string] => [k, String(v)]),
        body: sent.body.length === 0 ? null : new Uint8Array(sent.body)
      })
    )
    assert.strictEqual(response.status, 400)
    assert.strictEqual(((await response.json()) as { Code: string }).Code, "InvalidTimeStamp.Expired")
  })

  it("an unknown action is InvalidAction.NotFound", async () => {
    const client = ecsClient(server.ecsUrl!, account)
    const params = new OpenApi.$OpenApiUtil.Params({
      action: "DescribeUnicorns",
      version: "2014-05-26",
      protocol: "HTTPS",
      pathname: "/",
      method: "POST",
      authType: "AK",
      style: "RPC",
      reqBodyType: "formData",
      bodyType: "json"
    })
    const refused = await refusal(
      client.callApi(params, new OpenApi.$OpenApiUtil.OpenApiRequest({ query: {} }), {} as never)
    )
    assert.deepInclude(refused, { code: "InvalidAction.NotFound", status: 404 })
  })

  it("the STS credentials of ram/security-credentials/<role> call DescribeInstances, until they expire", async () => {
    const sts = await roleCredentials()
    assert.match(sts.accessKeyId, /^STS\./)
    assert.isAtLeast((await describeRegion(sts)).body?.totalCount ?? 0, 1)
    const calls = await server.effectRuntime.runPromise(server.services.ecsCalls.query({ limit: 1 }))
    assert.deepStrictEqual(calls[0]?.caller, {
      kind: "role",
      accessKeyId: sts.accessKeyId,
      instanceId: server.defaultInstanceId,
      roleName: "AliyunImdsDemoRole"
    })
    const wrongToken = await refusal(describeRegion({ ...sts, securityToken: `${sts.securityToken.slice(0, -4)}AAAA` }))
    assert.deepInclude(wrongToken, { code: "InvalidSecurityToken.MismatchWithAccessKey", status: 400 })
    await fetch(`${server.adminUrl}/v1/clock/advance`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ by: "7 hours" })
    })
    const expired = await refusal(describeRegion(sts))
    assert.deepInclude(expired, { code: "InvalidSecurityToken.Expired", status: 400 })
    const fresh = await roleCredentials()
    assert.notStrictEqual(fresh.accessKeyId, sts.accessKeyId)
    assert.isAtLeast((await describeRegion(fresh)).body?.totalCount ?? 0, 1)
  })
})
