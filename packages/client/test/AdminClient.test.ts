// The admin contract walked end to end: every operation, called through the typed client against a real server on
// loopback, answers with a body its own Schema decodes. Route, document and client cannot drift apart unnoticed.
import { type AdminInput, type OperationId, operationIds } from "@aliyun-imds/admin-api"
import { Effect } from "effect"
import { FetchHttpClient, HttpClient } from "effect/http"
import { assert, describe, it } from "vitest"
import { type AdminClient, AdminRequestFailed, makeAdminClient } from "../src/AdminClient.ts"
import { useEmulator } from "./support/emulator.ts"

/** What earlier steps learned, for later ones (the id of a rule that was added, …). */
interface Walk {
  faultId: string
}

type Step = {
  [K in OperationId]: { readonly id: K; readonly input: (walk: Walk) => AdminInput<K> }
}[OperationId]

const step = <K extends OperationId>(id: K, input: (walk: Walk) => AdminInput<K>): Step =>
  ({ id, input }) as unknown as Step

const none = () => ({})
const defaultInstance = { params: { id: "default" } }
const added = "i-walk00000000000001"

/** Every operation once, in an order where each finds what it needs (create before describe before delete). */
const steps: ReadonlyArray<Step> = [
  step("Health", none),
  step("DescribeEmulator", none),
  step("GetMetrics", none),
  step("GetOpenApiDocument", none),
  step("DescribeInstances", none),
  step("CreateInstance", () => ({ body: { instanceId: added, sourceAddresses: ["127.0.0.42"] } })),
  step("DescribeInstanceAttribute", () => ({ params: { id: added } })),
  step("DescribeFleetMetadataOptions", none),
  step("ModifyFleetMetadataOptions", () => ({ body: { InstanceId: added, HttpTokens: "required" } })),
  step("DescribeInstanceMetadataOptions", () => defaultInstance),
  step("ModifyInstanceMetadataOptions", () => ({ ...defaultInstance, body: { InstanceMetadataTags: "enabled" } })),
  step("SetMetadataItem", () => ({ params: { id: "default", path: "hostname" }, body: { value: "walk-host" } })),
  step("GetMetadataItem", () => ({ params: { id: "default", path: "hostname" } })),
  step("RenderPath", () => ({ params: { id: "default", path: "latest/dynamic/instance-identity/pkcs7" } })),
  step("DeleteMetadataItem", () => ({ params: { id: "default", path: "hostname" } })),
  step("DescribeInstanceRamRole", () => defaultInstance),
  step("AttachInstanceRamRole", () => ({ params: { id: added }, body: { name: "WalkRole" } })),
  step("RotateInstanceRamRoleCredentials", () => ({ params: { id: added } })),
  step("DescribeInstanceRamRoleCredentials", () => ({ params: { id: added } })),
  step("DetachInstanceRamRole", () => ({ params: { id: added } })),
  step("GetClock", none),
  step("FreezeClock", none),
  step("AdvanceClock", () => ({ body: { by: "90s" } })),
  step("SetClock", () => ({ body: { to: "2031-01-01T00:00:00Z" } })),
  step("ResumeClock", none),
  step("ResetClock", none),
  step("ScheduleSpotTermination", () => ({ ...defaultInstance, body: { in: "2m" } })),
  step("CancelSpotTermination", () => defaultInstance),
  step("CreateSimulatedSystemEvents", () => ({
    ...defaultInstance,
    body: { eventType: "SystemMaintenance.Reboot", in: "1h" }
  })),
  step("DescribeSimulatedSystemEvents", () => defaultInstance),
  step("CancelSimulatedSystemEvents", () => defaultInstance),
  step("SetThrottleRule", () => ({ body: { target: added, ratePerSecond: 100, burst: 10 } })),
  step("DescribeThrottleRules", none),
  step("ClearThrottleRules", () => ({ query: { target: added } })),
  step("AddFaultRule", () => ({
    body: { instanceId: added, action: { type: "status" as const, status: 503 }, times: 1 }
  })),
  step("DescribeFaultRules", none),
  step("DescribeFaultRule", (w) => ({ params: { id: w.faultId } })),
  step("RemoveFaultRule", (w) => ({ params: { id: w.faultId } })),
  step("ClearFaultRules", none),
  step("DescribeCounters", () => ({ query: { instance: "default" } })),
  step("ResetCounters", none),
  step("DescribeAudit", () => ({ query: { since: "1h", refused: "true" as const } })),
  step("DescribeJournal", () => ({ query: { mode: "normal" as const, limit: "5" } })),
  step("ClearJournal", none),
  step("DescribeSeries", () => ({ query: { instance: "default", window: "6h" as const, step: "30m" } })),
  step("StreamSeries", () => ({ query: { events: "1", journal: "true" as const } })),
  step("DescribeEcsApi", none),
  step("DescribeEcsApiCalls", () => ({ query: { limit: "5" } })),
  step("RevokeTokens", none),
  step("RotateTokenKey", none),
  step("DescribeIdentityCertificate", none),
  step("DeleteInstance", () => ({ params: { id: added } })),
  step("ReloadFleet", none),
  step("ResetFleet", () => ({ body: { all: true } }))
]

const run = <A, E>(effect: Effect.Effect<A, E, HttpClient.HttpClient>) =>
  Effect.runPromise(effect.pipe(Effect.provide(FetchHttpClient.layer)))

const clientOf = (url: string): Promise<AdminClient> =>
  run(Effect.map(HttpClient.HttpClient, (http) => makeAdminClient(http, { url })))

describe("the admin contract through the typed client", () => {
  const server = useEmulator({ seed: "admin-contract-walk" })

  it("the walk names every operation of the contract exactly once", () => {
    assert.sameMembers(
      steps.map((s) => s.id),
      [...operationIds]
    )
    assert.strictEqual(new Set(steps.map((s) => s.id)).size, steps.length)
  })

  it("every operation answers a real server with a body its Schema decodes", async () => {
    const client: AdminClient = await clientOf(server().adminUrl)
    const walk: Walk = { faultId: "" }
    for (const { id, input } of steps) {
      const call = client.call as (id: OperationId, input: unknown) => Effect.Effect<unknown, unknown>
      const result = await Effect.runPromise(Effect.result(call(id, input(walk))))
      assert.isTrue(result._tag === "Success", `${id}: ${JSON.stringify(result)}`)
      const value = (result as { success: unknown }).success
      if (id === "AddFaultRule") walk.faultId = (value as { rule: { id: string } }).rule.id
      if (id === "GetMetadataItem") assert.strictEqual(value, "walk-host")
      if (id === "GetOpenApiDocument") assert.include(value as string, '"openapi":"3.1.0"')
    }
  })

  it("an error answer is an AdminRequestFailed carrying the status and the ECS code", async () => {
    const client = await clientOf(server().adminUrl)
    const error = await Effect.runPromise(
      Effect.flip(client.call("DescribeInstanceAttribute", { params: { id: "i-nowhere" } }))
    )
    assert.instanceOf(error, AdminRequestFailed)
    assert.include(error, { operation: "DescribeInstanceAttribute", status: 404, code: "InvalidInstanceId.NotFound" })
  })
})
