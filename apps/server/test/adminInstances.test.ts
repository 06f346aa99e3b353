// Admin operations on instances and what they serve: list/add/remove, ECS metadata options with the API's error
// codes, meta-data edits and rendering, and the RAM role — each observed through the metadata app.
import { afterEach, beforeEach, describe, expect, it } from "vitest"
import { type Harness, makeHarness } from "./support/harness.ts"

let h: Harness
beforeEach(async () => {
  h = await makeHarness()
})
afterEach(() => h.dispose())

const send = (method: string, path: string, body?: unknown) => h.adminJson(method, path, body)
const peer2 = { address: "127.0.0.2", port: 40000 }
const get = async (path: string, headers: Record<string, string> = {}, peer?: typeof peer2) => {
  const res = await h.request(path, { headers }, peer)
  return { status: res.status, text: await res.text() }
}
const second = { instanceId: "i-second01", sourceAddresses: ["127.0.0.2"], tags: { team: "blue" } }

describe("instances", () => {
  it("lists the fleet and describes the default instance through the `default` alias", async () => {
    const list = await send("GET", "/v1/instances")
    expect(list.json.defaultInstanceId).toBe(h.instanceId)
    expect(list.json.instances).toHaveLength(1)
    expect(list.json.instances[0]).toMatchObject({ instanceId: h.instanceId, isDefault: true })
    const one = await send("GET", "/v1/instances/default")
    expect(one.json.instance.instanceId).toBe(h.instanceId)
    expect(one.json.metadataOptions).toEqual({
      InstanceId: h.instanceId,
      HttpEndpoint: "enabled",
      HttpTokens: "optional",
      InstanceMetadataTags: "disabled"
    })
  })

  it("adds an instance that answers its own peer address, and refuses the same id again (409)", async () => {
    const added = await send("POST", "/v1/instances", second)
    expect(added.status).toBe(201)
    expect(added.json.instance.instanceId).toBe("i-second01")
    expect((await get("/latest/meta-data/instance-id", {}, peer2)).text).toBe("i-second01")
    expect((await get("/latest/meta-data/instance-id")).text).toBe(h.instanceId)
    const again = await send("POST", "/v1/instances", { instanceId: "i-second01" })
    expect([again.status, again.json.Code]).toEqual([409, "InvalidInstanceId.Duplicate"])
  })

  it("refuses an invalid instance naming the field", async () => {
    const badId = await send("POST", "/v1/instances", { instanceId: "I-UPPER" })
    expect(badId.status).toBe(400)
    expect(badId.json.Message).toContain('"instanceId"')
    const badZone = await send("POST", "/v1/instances", { regionId: "cn-hangzhou", zoneId: "cn-beijing-h" })
    expect(badZone.status).toBe(400)
    expect(badZone.json.Message).toContain("zoneId")
  })

  it("removes an instance: describing it is then 404 InvalidInstanceId.NotFound", async () => {
    await send("POST", "/v1/instances", second)
    expect((await send("DELETE", "/v1/instances/i-second01")).status).toBe(200)
    const gone = await send("GET", "/v1/instances/i-second01")
    expect([gone.status, gone.json.Code]).toEqual([404, "InvalidInstanceId.NotFound"])
    expect(gone.json.Message).toBe("The specified InstanceId is not found.")
    expect((await send("DELETE", "/v1/instances/i-second01")).status).toBe(404)
  })
})

describe("metadata options (ModifyInstanceMetadataOptions)", () => {
  it("HttpTokens=required makes a token-less GET 403 while a token GET still succeeds", async () => {
    expect((await get("/latest/meta-data/instance-id")).status).toBe(200)
    const set = await send("POST", "/v1/instances/default/metadata-options", { HttpTokens: "required" })
    expect(set.status).toBe(200)
    expect(set.json).toMatchObject({ InstanceId: h.instanceId, HttpTokens: "required", HttpEndpoint: "enabled" })
    expect((await get("/latest/meta-data/instance-id")).status).toBe(403)
    const token = await h.token()
    expect((await get("/latest/meta-data/instance-id", { "X-aliyun-ecs-metadata-token": token })).status).toBe(200)
    expect((await send("GET", `/v1/instances/${h.instanceId}/metadata-options`)).json.HttpTokens).toBe("required")
  })

  it("HttpEndpoint=disabled refuses every path with 403", async () => {
    await send("POST", "/v1/instances/default/metadata-options", { HttpEndpoint: "disabled" })
    expect((await get("/latest/meta-data/instance-id")).status).toBe(403)
    expect((await get("/latest/user-data")).status).toBe(403)
  })

  it("refuses bad values with the ECS codes and changes nothing", async () => {
    const cases = [
      [{ HttpTokens: "mandatory" }, "InvalidHttpTokens.NotSupported"],
      [{ HttpEndpoint: "on" }, "InvalidHttpEndpoint.NotSupported"],
      [{ InstanceMetadataTags: "yes" }, "InvalidInstanceMetadataTags.NotSupported"],
      [{ HttpTokens: "required", HttpPutResponseHopLimit: 65 }, "InvalidHttpPutResponseHopLimit.NotSupported"]
    ] as const
    for (const [body, code] of cases) {
      const r = await send("POST", "/v1/instances/default/metadata-options", body)
      expect([r.status, r.json.Code], code).toEqual([400, code])
    }
    const tokens = await send("POST", "/v1/instances/default/metadata-options", { HttpTokens: "x" })
    expect(tokens.json.Message).toBe(
      "The specified HttpTokens not supported, you can use optional(default) or required."
    )
    expect((await send("GET", "/v1/instances/default/metadata-options")).json.HttpTokens).toBe("optional")
  })

  it("answers an unknown instance with 404 InvalidInstanceId.NotFound, after checking the values first", async () => {
    const unknown = await send("POST", "/v1/instances/i-nothere/metadata-options", { HttpTokens: "required" })
    expect([unknown.status, unknown.json.Code]).toEqual([404, "InvalidInstanceId.NotFound"])
    const both = await send("POST", "/v1/metadata-options", { InstanceId: "i-nothere", HttpTokens: "bad" })
    expect([both.status, both.json.Code]).toEqual([400, "InvalidHttpTokens.NotSupported"])
    expect((await send("GET", "/v1/instances/i-nothere/metadata-options")).status).toBe(404)
  })

  it("modifies every instance at once without InstanceId, or one with it", async () => {
    await send("POST", "/v1/instances", second)
    const all = await send("POST", "/v1/metadata-options", { HttpTokens: "required" })
    expect(all.json.MetadataOptions.map((o: { HttpTokens: string }) => o.HttpTokens)).toEqual(["required", "required"])
    expect((await get("/latest/meta-data/instance-id", {}, peer2)).status).toBe(403)
    const one = await send("POST", "/v1/metadata-options", { InstanceId: "i-second01", HttpTokens: "optional" })
    expect(one.json.MetadataOptions).toHaveLength(1)
    const described = await send("GET", "/v1/metadata-options")
    expect(described.json.MetadataOptions.map((o: { HttpTokens: string }) => o.HttpTokens)).toEqual([
      "required",
      "optional"
    ])
    expect((await get("/latest/meta-data/instance-id", {}, peer2)).status).toBe(200)
  })

  it("options set for every instance are also those of instances added later; one instance's are not", async () => {
    await send("POST", "/v1/metadata-options", { HttpTokens: "required" })
    await send("POST", "/v1/instances/default/metadata-options", { HttpEndpoint: "disabled" })
    const added = await send("POST", "/v1/instances", second)
    expect(added.json.metadataOptions).toMatchObject({ HttpTokens: "required", HttpEndpoint: "enabled" })
    expect((await get("/latest/meta-data/instance-id", {}, peer2)).status).toBe(403)
  })

  it("InstanceMetadataTags=enabled exposes the instance's tags", async () => {
    await send("POST", "/v1/instances", second)
    expect((await get("/latest/meta-data/tags/instance/team", {}, peer2)).status).toBe(404)
    await send("POST", "/v1/instances/i-second01/metadata-options", { InstanceMetadataTags: "enabled" })
    expect(await get("/latest/meta-data/tags/instance/team", {}, peer2)).toEqual({ status: 200, text: "blue" })
  })
})

describe("meta-data values", () => {
  it("sets an item the metadata app then serves, and deletes it (404)", async () => {
    const set = await send("PUT", "/v1/instances/default/metadata/instance/instance-type", { value: "ecs.g7.large" })
    expect(set.json).toMatchObject({ instanceId: h.instanceId, path: "instance/instance-type", value: "ecs.g7.large" })
    expect((await get("/latest/meta-data/instance/instance-type")).text).toBe("ecs.g7.large")
    expect((await send("DELETE", "/v1/instances/default/metadata/instance/instance-type")).json.value).toBeNull()
    expect((await get("/latest/meta-data/instance/instance-type")).status).toBe(404)
  })

  it("renders a path exactly as the instance sees it, even while its endpoint is disabled", async () => {
    await send("PUT", "/v1/instances/default/metadata/custom/leaf", { value: "a\nb" })
    await send("POST", "/v1/instances/default/metadata-options", { HttpEndpoint: "disabled" })
    const leaf = await send("GET", "/v1/instances/default/metadata/custom/leaf")
    expect([leaf.status, leaf.text]).toEqual([200, "a\nb"])
    expect((await send("GET", "/v1/instances/default/metadata/custom/")).text).toBe("leaf")
    const doc = await send("GET", "/v1/instances/default/render/latest/dynamic/instance-identity/document")
    expect(JSON.parse(doc.text)["instance-id"]).toBe(h.instanceId)
  })

  it("renders pkcs7 with an audience exactly as the metadata app signs it", async () => {
    const path = "latest/dynamic/instance-identity/pkcs7?audience=sts.aliyuncs.com"
    const rendered = await send("GET", `/v1/instances/default/render/${path}`)
    expect(rendered.status).toBe(200)
    expect(rendered.text).toBe((await get(`/${path}`)).text)
    expect(rendered.text).not.toBe((await get("/latest/dynamic/instance-identity/pkcs7")).text)
  })

  it("answers a path the instance does not have with 404 InvalidPath.NotFound", async () => {
    const r = await send("GET", "/v1/instances/default/metadata/no/such/item")
    expect([r.status, r.json.Code]).toEqual([404, "InvalidPath.NotFound"])
  })

  it("refuses a path with an empty segment and a value that is not a string", async () => {
    // `..` never arrives (URL parsing resolves it); an empty segment does.
    for (const path of ["a//b", "x/%2F/y"]) {
      const r = await send("PUT", `/v1/instances/default/metadata/${path}`, { value: "x" })
      expect([r.status, r.json.Code], path).toEqual([400, "InvalidParameter"])
    }
    const number = await send("PUT", "/v1/instances/default/metadata/a", { value: 1 })
    expect([number.status, number.json.Code]).toEqual([400, "InvalidParameter"])
    expect(number.json.Message).toContain('"value"')
    expect((await send("PUT", "/v1/instances/i-nothere/metadata/a", { value: "x" })).status).toBe(404)
  })
})

describe("RAM role", () => {
  const listing = "/latest/meta-data/ram/security-credentials/"

  it("detach makes the role listing 404 and the credentials view 409; attach brings a new role back", async () => {
    expect((await get(listing)).status).toBe(200)
    const detached = await send("DELETE", "/v1/instances/default/role")
    expect(detached.json).toMatchObject({ instanceId: h.instanceId, role: null })
    expect((await get(listing)).status).toBe(404)
    const creds = await send("GET", "/v1/instances/default/role/credentials")
    expect([creds.status, creds.json.Code]).toEqual([409, "InvalidRamRole.NotAttached"])
    const attached = await send("POST", "/v1/instances/default/role", { name: "EcsTestRole", validitySeconds: 3600 })
    expect(attached.json.role).toMatchObject({ name: "EcsTestRole", validitySeconds: 3600, generation: 0 })
    expect(await get(listing)).toEqual({ status: 200, text: "EcsTestRole" })
    const served = JSON.parse((await get(`${listing}EcsTestRole`)).text)
    expect(served.AccessKeyId).toBe(attached.json.credential.AccessKeyId)
  })

  it("rotate serves a new AccessKeyId", async () => {
    const role = (await send("GET", "/v1/instances/default/role")).json.role.name
    const before = JSON.parse((await get(`${listing}${role}`)).text).AccessKeyId
    const rotated = await send("POST", "/v1/instances/default/role/rotate")
    expect(rotated.json.role.generation).toBe(1)
    expect(rotated.json.credential.AccessKeyId).not.toBe(before)
    expect(JSON.parse((await get(`${listing}${role}`)).text).AccessKeyId).toBe(rotated.json.credential.AccessKeyId)
  })

  it("after a rotation the earlier key stays valid until its own Expiration, as STS keys do", async () => {
    const role = (await send("GET", "/v1/instances/default/role")).json.role.name
    const old = JSON.parse((await get(`${listing}${role}`)).text)
    await h.services.clock.advance("1 hour").pipe(h.run)
    const fresh = (await send("POST", "/v1/instances/default/role/rotate")).json.credential
    const both = await send("GET", "/v1/instances/default/role/credentials")
    expect(both.json.valid.map((c: { AccessKeyId: string }) => c.AccessKeyId)).toEqual([
      fresh.AccessKeyId,
      old.AccessKeyId
    ])
    // Expiration is shown in whole seconds; one more second is past the key's exact expiry.
    const untilExpiry = Date.parse(old.Expiration) + 1000 - h.services.clock.nowUnsafe()
    await h.services.clock.advance(`${untilExpiry} millis`).pipe(h.run)
    const after = await send("GET", "/v1/instances/default/role/credentials")
    expect(after.json.valid.map((c: { AccessKeyId: string }) => c.AccessKeyId)).toEqual([fresh.AccessKeyId])
  })

  it("lists two valid credentials during the overlap window, newest first", async () => {
    const start = await send("GET", "/v1/instances/default/role/credentials")
    expect(start.json.valid).toHaveLength(1)
    expect(start.json.valid[0]).toEqual(start.json.current)
    const { validitySeconds, overlapSeconds } = (await send("GET", "/v1/instances/default/role")).json.role
    await h.services.clock.advance(`${validitySeconds - overlapSeconds + 60} seconds`).pipe(h.run)
    const overlap = await send("GET", "/v1/instances/default/role/credentials")
    expect(overlap.json.valid).toHaveLength(2)
    expect(overlap.json.valid[0].AccessKeyId).toBe(overlap.json.current.AccessKeyId)
    expect(overlap.json.valid[1].AccessKeyId).toBe(start.json.current.AccessKeyId)
  })

  it("refuses a bad role name naming the field, and rotation without a role (409)", async () => {
    const bad = await send("POST", "/v1/instances/default/role", { name: "bad role!" })
    expect(bad.status).toBe(400)
    expect(bad.json.Message).toContain("name")
    await send("DELETE", "/v1/instances/default/role")
    const rotate = await send("POST", "/v1/instances/default/role/rotate")
    expect([rotate.status, rotate.json.Code]).toEqual([409, "InvalidRamRole.NotAttached"])
  })
})
