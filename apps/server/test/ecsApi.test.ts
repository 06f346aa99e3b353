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
