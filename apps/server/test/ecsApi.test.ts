// The ECS API endpoint driven by the unmodified official SDK: metadata options (and the data plane following at once),
// instances, images with ImdsSupport, and every error code the endpoint promises.
import { decodeFleetResult, type FleetConfig } from "@aliyun-imds/core"
import { Result } from "effect"
import { afterAll, assert, beforeAll, describe, it } from "vitest"
import { type RunningServer, startServer } from "../src/startServer.ts"
import { Ecs, type EcsClient, ecsClient, refusal } from "./support/ecsClient.ts"
import { rawRequest } from "./support/http.ts"

const fleetYaml = `
version: 1
seed: ecs-api-test
defaultInstance: i-ecsweb01
images:
  - imageId: m-legacy01
    imdsSupport: v1
  - imageId: m-hardened01
    imdsSupport: v2
instances:
  - instanceId: i-ecsweb01
    regionId: cn-hangzhou
    imageId: aliyun_3_x64_20G_alibase_20240819.vhd
    ramRole: { name: EcsOperatorRole }
  - instanceId: i-ecsdb01
    regionId: cn-hangzhou
    sourceAddresses: ["127.0.0.9"]
    imageId: m-legacy01
  - instanceId: i-ecsbj01
    regionId: cn-beijing
    sourceAddresses: ["127.0.0.10"]
`

const fleet = (): FleetConfig => {
  const decoded = decodeFleetResult(fleetYaml, "yaml")
  if (Result.isFailure(decoded)) throw new Error(decoded.failure.message)
  return decoded.success
}

let server: RunningServer
let client: EcsClient

beforeAll(async () => {
  server = await startServer({ fleet: fleet(), logLevel: "silent" })
  client = ecsClient(server.ecsUrl!, server.ecsAccessKeys[0]!)
})
afterAll(() => server.stop())

const getFrom = (path: string, localAddress = "127.0.0.1", headers: Record<string, string> = {}) =>
  rawRequest(`${server.dataUrl}${path}`, { localAddress, headers })

const modify = (fields: Record<string, unknown>) =>
  client.modifyInstanceMetadataOptions(
    new Ecs.ModifyInstanceMetadataOptionsRequest({ regionId: "cn-hangzhou", httpEndpoint: "enabled", ...fields })
  )

const describeOne = async (instanceId: string, regionId = "cn-hangzhou") => {
  const response = await client.describeInstances(
    new Ecs.DescribeInstancesRequest({ regionId, instanceIds: JSON.stringify([instanceId]) })
  )
  return response.body?.instances?.instance?.[0]
}

describe("ModifyInstanceMetadataOptions / DescribeInstances through the official SDK", () => {
  it("switching an instance to required refuses a plain GET at once, and DescribeInstances shows it", async () => {
    assert.strictEqual((await getFrom("/latest/meta-data/instance-id")).status, 200)
    const response = await modify({ instanceId: "i-ecsweb01", httpTokens: "required" })
    assert.match(response.body?.requestId ?? "", /^[0-9A-F-]{36}$/)
    assert.strictEqual((await getFrom("/latest/meta-data/instance-id")).status, 403)
    const options = (await describeOne("i-ecsweb01"))?.metadataOptions
    assert.strictEqual(options?.httpTokens, "required")
    assert.strictEqual(options?.httpEndpoint, "enabled")
    const admin = await fetch(`${server.adminUrl}/v1/instances/i-ecsweb01/metadata-options`)
    assert.strictEqual(((await admin.json()) as { HttpTokens: string }).HttpTokens, "required")
    await modify({ instanceId: "i-ecsweb01", httpTokens: "optional" })
    assert.strictEqual((await getFrom("/latest/meta-data/instance-id")).status, 200)
  })

  it("the admin API shows the endpoint and records each call: who, action, what changed", async () => {
    const api = (await (await fetch(`${server.adminUrl}/v1/ecs`)).json()) as { url: string; actions: Array<string> }
    assert.strictEqual(api.url, server.ecsUrl)
    assert.include(api.actions, "ModifyInstanceMetadataOptions")
    const recorded = (await (
      await fetch(`${server.adminUrl}/v1/ecs/calls?action=ModifyInstanceMetadataOptions`)
    ).json()) as {
      calls: Array<{ caller: { kind: string; accessKeyId: string }; changes: Array<string>; code: string | null }>
      counts: Record<string, { succeeded: number; failed: number }>
    }
    const last = recorded.calls.at(-1)!
    assert.deepStrictEqual(last.caller, { kind: "account", accessKeyId: server.ecsAccessKeys[0]!.accessKeyId })
    assert.deepStrictEqual(last.changes, ["i-ecsweb01: HttpEndpoint=enabled, HttpTokens=optional"])
    assert.isAtLeast(recorded.counts.ModifyInstanceMetadataOptions?.succeeded ?? 0, 2)
  })

  it("refuses bad values with the API's codes before looking the instance up", async () => {
    const cases: ReadonlyArray<[Record<string, unknown>, string]> = [
      [{ instanceId: "i-ecsweb01", httpTokens: "sometimes" }, "InvalidHttpTokens.NotSupported"],
      [{ instanceId: "i-missing", httpEndpoint: "on" }, "InvalidHttpEndpoint.NotSupported"],
      [{ instanceId: "i-ecsweb01", instanceMetadataTags: "yes" }, "InvalidInstanceMetadataTags.NotSupported"],
      [{ instanceId: "i-ecsweb01", httpPutResponseHopLimit: 65 }, "InvalidHttpPutResponseHopLimit.NotSupported"],
      [{ instanceId: "i-missing" }, "InvalidInstanceId.NotFound"]
    ]
    for (const [fields, code] of cases) {
      const refused = await refusal(modify(fields))
      assert.strictEqual(refused.code, code, JSON.stringify(fields))
      assert.strictEqual(refused.status, code.endsWith("NotFound") ? 404 : 400)
    }
  })

  it("a missing parameter is Missing<Name>; a region that does not hold the instance does not find it", async () => {
    const missing = await refusal(
      client.modifyInstanceMetadataOptions(
        new Ecs.ModifyInstanceMetadataOptionsRequest({ instanceId: "i-ecsweb01", httpEndpoint: "enabled" })
      )
    )
    assert.deepInclude(missing, { code: "MissingRegionId", status: 400 })
    assert.include(missing.message, "RegionId is mandatory for this action.")
    const wrongRegion = await refusal(modify({ regionId: "cn-beijing", instanceId: "i-ecsweb01" }))
    assert.deepInclude(wrongRegion, { code: "InvalidInstanceId.NotFound", status: 404 })
    const unknownRegion = await refusal(modify({ regionId: "mars-north-1", instanceId: "i-ecsweb01" }))
    assert.deepInclude(unknownRegion, { code: "InvalidRegionId.NotFound", status: 404 })
  })

  it("DescribeInstances filters by HttpTokens and region, pages both ways, and reports what an instance has", async () => {
    await modify({ instanceId: "i-ecsdb01", httpTokens: "required" })
    const hardened = await client.describeInstances(
      new Ecs.DescribeInstancesRequest({ regionId: "cn-hangzhou", httpTokens: "required" })
    )
    assert.deepStrictEqual(
      hardened.body?.instances?.instance?.map((i) => i.instanceId),
      ["i-ecsdb01"]
    )
    const paged = await client.describeInstances(
      new Ecs.DescribeInstancesRequest({ regionId: "cn-hangzhou", pageSize: 1, pageNumber: 2 })
    )
    assert.strictEqual(paged.body?.totalCount, 2)
    assert.deepStrictEqual(
      paged.body?.instances?.instance?.map((i) => i.instanceId),
      ["i-ecsdb01"]
    )
    const first = await client.describeInstances(
      new Ecs.DescribeInstancesRequest({ regionId: "cn-hangzhou", maxResults: 1 })
    )
    assert.strictEqual(first.body?.nextToken, "i-ecsdb01")
    const web = await describeOne("i-ecsweb01")
    assert.strictEqual(web?.status, "Running")
    assert.strictEqual(web?.imageId, "aliyun_3_x64_20G_alibase_20240819.vhd")
    assert.match(web?.vpcAttributes?.vpcId ?? "", /^vpc-/)
    assert.lengthOf(web?.vpcAttributes?.privateIpAddress?.ipAddress ?? [], 1)
    const roles = await client.describeInstanceRamRole(
      new Ecs.DescribeInstanceRamRoleRequest({ regionId: "cn-hangzhou", instanceIds: '["i-ecsweb01"]' })
    )
    assert.strictEqual(roles.body?.instanceRamRoleSets?.instanceRamRoleSet?.[0]?.ramRoleName, "EcsOperatorRole")
    assert.deepStrictEqual(
      (
        await client.describeInstances(new Ecs.DescribeInstancesRequest({ regionId: "cn-beijing" }))
      ).body?.instances?.instance?.map((i) => i.instanceId),
      ["i-ecsbj01"]
    )
    await modify({ instanceId: "i-ecsdb01", httpTokens: "optional" })
  })
})

describe("RunInstances, lifecycle and images through the official SDK", () => {
  const run = (fields: Record<string, unknown>) =>
    client.runInstances(
      new Ecs.RunInstancesRequest({
        regionId: "cn-hangzhou",
        instanceType: "ecs.g7.large",
        imageId: "m-hardened01",
        ...fields
      })
    )

  it("RunInstances adds instances whose metadata is read from their own source address at once", async () => {
    const response = await run({
      amount: 2,
      httpTokens: "required",
      tag: [new Ecs.RunInstancesRequestTag({ key: "team", value: "db" })],
      userData: Buffer.from("#!/bin/sh\necho hi").toString("base64")
    })
    const ids = response.body?.instanceIdSets?.instanceIdSet ?? []
    assert.lengthOf(ids, 2)
    const admin = (await (await fetch(`${server.adminUrl}/v1/instances/${ids[1]}`)).json()) as {
      sourceAddresses: ReadonlyArray<string>
    }
    const address = admin.sourceAddresses[0]!
    assert.match(address, /^127\.0\.0\.\d+$/)
    assert.strictEqual((await getFrom("/latest/meta-data/instance-id", address)).status, 403)
    const token = await rawRequest(`${server.dataUrl}/latest/api/token`, {
      method: "PUT",
      localAddress: address,
      headers: { "X-aliyun-ecs-metadata-token-ttl-seconds": "60" }
    })
    const read = (path: string) => getFrom(path, address, { "X-aliyun-ecs-metadata-token": token.text })
    assert.strictEqual((await read("/latest/meta-data/instance-id")).text, ids[1])
    assert.strictEqual((await read("/latest/meta-data/instance/instance-type")).text, "ecs.g7.large")
    assert.strictEqual((await read("/latest/user-data")).text, "#!/bin/sh\necho hi")
    const view = await describeOne(ids[0]!)
    assert.strictEqual(view?.metadataOptions?.httpTokens, "required")
    assert.deepStrictEqual(
      view?.tags?.tag?.map((t) => [t.tagKey, t.tagValue]),
      [["team", "db"]]
    )
    await client.deleteInstances(
      new Ecs.DeleteInstancesRequest({ regionId: "cn-hangzhou", instanceId: ids, force: true })
    )
    assert.isUndefined(await describeOne(ids[0]!))
  })

  it("HttpTokens=required from an ImdsSupport=v1 image is refused (the emulator's documented default)", async () => {
    const refused = await refusal(run({ imageId: "m-legacy01", httpTokens: "required" }))
    assert.deepInclude(refused, { code: "InvalidImage.ImdsSupportV1", status: 400 })
    assert.deepInclude(await refusal(run({ imageId: "m-nothere" })), { code: "InvalidImageId.NotFound", status: 404 })
    assert.deepInclude(await refusal(run({ httpTokens: "always" })), {
      code: "InvalidHttpTokens.NotSupported",
      status: 400
    })
    assert.deepInclude(await refusal(run({ dryRun: true })), { code: "DryRunOperation", status: 400 })
  })

  it("CreateInstance leaves a Stopped instance; Start/Stop change Status; deleting a running one needs Force", async () => {
    const created = await client.createInstance(
      new Ecs.CreateInstanceRequest({ regionId: "cn-hangzhou", instanceType: "ecs.c7.large", imageId: "m-legacy01" })
    )
    const id = created.body?.instanceId ?? ""
    assert.strictEqual((await describeOne(id))?.status, "Stopped")
    await client.startInstance(new Ecs.StartInstanceRequest({ instanceId: id }))
    assert.strictEqual((await describeOne(id))?.status, "Running")
    const again = await refusal(client.startInstance(new Ecs.StartInstanceRequest({ instanceId: id })))
    assert.deepInclude(again, { code: "IncorrectInstanceStatus", status: 403 })
    const running = await refusal(client.deleteInstance(new Ecs.DeleteInstanceRequest({ instanceId: id })))
    assert.deepInclude(running, { code: "IncorrectInstanceStatus", status: 403 })
    await client.stopInstance(new Ecs.StopInstanceRequest({ instanceId: id }))
    await client.deleteInstance(new Ecs.DeleteInstanceRequest({ instanceId: id }))
    assert.deepInclude(
      await refusal(client.describeInstanceAttribute(new Ecs.DescribeInstanceAttributeRequest({ instanceId: id }))),
      { code: "InvalidInstanceId.NotFound", status: 404 }
    )
  })

  it("DescribeImages reports Features.ImdsSupport; ImdsSupport goes v1 → v2 and never back", async () => {
    const described = await client.describeImages(
      new Ecs.DescribeImagesRequest({
        regionId: "cn-hangzhou",
        imageId: "m-legacy01,aliyun_3_x64_20G_alibase_20240819.vhd"
      })
    )
    const support = Object.fromEntries(
      (described.body?.images?.image ?? []).map((i) => [i.imageId, i.features?.imdsSupport])
    )
    assert.deepStrictEqual(support, { "aliyun_3_x64_20G_alibase_20240819.vhd": "v2", "m-legacy01": "v1" })
    const made = await client.createImage(
      new Ecs.CreateImageRequest({ regionId: "cn-hangzhou", instanceId: "i-ecsdb01", imageName: "db-golden" })
    )
    const imageId = made.body?.imageId ?? ""
    const imds = async (id: string) =>
      (await client.describeImages(new Ecs.DescribeImagesRequest({ regionId: "cn-hangzhou", imageId: id }))).body
        ?.images?.image?.[0]?.features?.imdsSupport
    assert.strictEqual(await imds(imageId), "v1", "inherited from the instance's v1 image")
    const fromSnapshot = await client.createImage(
      new Ecs.CreateImageRequest({ regionId: "cn-hangzhou", snapshotId: "s-bp1snapshot" })
    )
    assert.strictEqual(await imds(fromSnapshot.body?.imageId ?? ""), "v1")
    const setImds = (id: string, value: string) =>
      client.modifyImageAttribute(
        new Ecs.ModifyImageAttributeRequest({
          regionId: "cn-hangzhou",
          imageId: id,
          features: new Ecs.ModifyImageAttributeRequestFeatures({ imdsSupport: value })
        })
      )
    await setImds(imageId, "v2")
    assert.strictEqual(await imds(imageId), "v2")
    const down = await refusal(setImds(imageId, "v1"))
    assert.deepInclude(down, { code: "InvalidImdsSupport.Unsupported", status: 400 })
    assert.include(down.message, "ImdsSupport cannot be changed from v2 to v1")
    await run({ imageId, httpTokens: "required" }).then((r) =>
      client.deleteInstances(
        new Ecs.DeleteInstancesRequest({
          regionId: "cn-hangzhou",
          instanceId: r.body?.instanceIdSets?.instanceIdSet ?? [],
          force: true
        })
      )
    )
  })
})
