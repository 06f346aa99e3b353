// Changes made through the ECS API are the services' changes, so `--state` keeps them across a restart exactly as it
// keeps admin changes: options, instances made by RunInstances (and their binding), images and instance status.
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, assert, describe, it } from "vitest"
import { startServer } from "../src/startServer.ts"
import { Ecs, ecsClient } from "./support/ecsClient.ts"
import { rawRequest } from "./support/http.ts"

const dir = mkdtempSync(join(tmpdir(), "ecs-state-"))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe("ECS API changes with --state", () => {
  it("survive a restart", async () => {
    const options = { seed: "ecs-state", statePath: join(dir, "state.json"), logLevel: "silent" } as const
    const first = await startServer(options)
    const regionId = first.services.fleet.getUnsafe(first.defaultInstanceId)!.instance.regionId
    const client = ecsClient(first.ecsUrl!, first.ecsAccessKeys[0]!)
    await client.modifyInstanceMetadataOptions(
      new Ecs.ModifyInstanceMetadataOptionsRequest({
        regionId,
        instanceId: first.defaultInstanceId,
        httpEndpoint: "enabled",
        httpTokens: "required"
      })
    )
    const run = await client.runInstances(
      new Ecs.RunInstancesRequest({
        regionId,
        imageId: "aliyun_3_x64_20G_alibase_20240819.vhd",
        instanceType: "ecs.g7.large"
      })
    )
    const added = run.body?.instanceIdSets?.instanceIdSet?.[0] ?? ""
    await client.stopInstance(new Ecs.StopInstanceRequest({ instanceId: added }))
    const image = await client.createImage(new Ecs.CreateImageRequest({ regionId, instanceId: added }))
    await first.stop()

    const second = await startServer(options)
    try {
      const again = ecsClient(second.ecsUrl!, second.ecsAccessKeys[0]!)
      const described = await again.describeInstances(new Ecs.DescribeInstancesRequest({ regionId }))
      const byId = new Map((described.body?.instances?.instance ?? []).map((i) => [i.instanceId, i]))
      assert.strictEqual(byId.get(second.defaultInstanceId)?.metadataOptions?.httpTokens, "required")
      assert.strictEqual(byId.get(added)?.status, "Stopped")
      const images = await again.describeImages(
        new Ecs.DescribeImagesRequest({ regionId, imageId: image.body?.imageId ?? "" })
      )
      assert.strictEqual(images.body?.images?.image?.[0]?.features?.imdsSupport, "v2")
      assert.strictEqual((await rawRequest(`${second.dataUrl}/latest/meta-data/instance-id`)).status, 403)
      const address = second.services.fleet.getUnsafe(added)!.instance.sourceAddresses[0]!
      const token = await rawRequest(`${second.dataUrl}/latest/api/token`, {
        method: "PUT",
        localAddress: address,
        headers: { "X-aliyun-ecs-metadata-token-ttl-seconds": "60" }
      })
      const id = await rawRequest(`${second.dataUrl}/latest/meta-data/instance-id`, {
        localAddress: address,
        headers: { "X-aliyun-ecs-metadata-token": token.text }
      })
      assert.strictEqual(id.text, added)
    } finally {
      await second.stop()
    }
  })
})
