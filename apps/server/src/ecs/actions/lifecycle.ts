// Creating and deleting instances. RunInstances/CreateInstance add instances to the running fleet through the fleet
// store (generated ids, zone, network…), each bound to the next free 127.0.0.x source address, after the metadata
// option values and the image's ImdsSupport are checked; CreateInstance leaves its instance Stopped, as ECS does.
// DeleteInstance(s) need a Stopped instance unless Force=true.
import {
  checkHardenable,
  checkMetadataOptions,
  EcsInvalidParameter,
  EcsMissingParameter,
  type Image,
  IncorrectInstanceStatus,
  type InstanceInput,
  NoFreeAddress,
  nextFreeLoopback
} from "@aliyun-imds/core"
import { Effect } from "effect"
import { type ActionContext, answer, change, instanceIn, regionOf, unlessDryRun } from "../EcsAction.ts"

/** The instance every created one is made of, after every value was checked (nothing is created on a refusal). */
const plan = (context: ActionContext, action: string) =>
  Effect.gen(function* () {
    const { params, services } = context
    const regionId = yield* regionOf(context)
    const imageId = yield* params.required("ImageId")
    const instanceType = yield* params.required("InstanceType")
    const options = yield* Effect.fromResult(
      checkMetadataOptions({
        HttpEndpoint: params.get("HttpEndpoint"),
        HttpTokens: params.get("HttpTokens"),
        HttpPutResponseHopLimit: yield* params.int("HttpPutResponseHopLimit")
      })
    )
    const image: Image = yield* services.ecsResources.image(imageId)
    const config = yield* services.fleet.config
    const tokens = options.HttpTokens ?? config.defaults.metadataOptions?.HttpTokens ?? "optional"
    yield* Effect.fromResult(checkHardenable(image, tokens, config.account.imdsSupportCheck))
    yield* unlessDryRun(context, action)
    const tags = Object.fromEntries(params.tags())
    const text = (name: string) => params.get(name)
    const input: InstanceInput = {
      regionId,
      imageId,
      instanceType,
      osType: image.osType,
      ...(text("ZoneId") === undefined ? {} : { zoneId: text("ZoneId")! }),
      ...(text("InstanceName") === undefined ? {} : { instanceName: text("InstanceName")! }),
      ...(text("HostName") === undefined ? {} : { hostname: text("HostName")! }),
      ...(Object.keys(options).length === 0 ? {} : { metadataOptions: options }),
      ...(Object.keys(tags).length === 0 ? {} : { tags }),
      ...(text("RamRoleName") === undefined ? {} : { ramRole: { name: text("RamRoleName")! } }),
      ...(text("UserData") === undefined ? {} : { userDataBase64: text("UserData")! })
    }
    return input
  })

/** Adds one instance bound to the next free loopback address. */
const create = (context: ActionContext, input: InstanceInput) =>
  Effect.gen(function* () {
    const { fleet } = context.services
    const address = nextFreeLoopback((yield* fleet.list).map((s) => s.instance))
    if (address === null) return yield* new NoFreeAddress()
    const state = yield* fleet.add({ ...input, sourceAddresses: [address] })
    return { instanceId: state.instance.instanceId, address }
  })

const created = (made: { instanceId: string; address: string }) => `${made.instanceId}: created at ${made.address}`

const runInstances = (context: ActionContext) =>
  Effect.gen(function* () {
    const amount = (yield* context.params.int("Amount")) ?? 1
    if (amount < 1 || amount > 100) {
      return yield* new EcsInvalidParameter({ name: "Amount", value: String(amount), code: null })
    }
    const input = yield* plan(context, "RunInstances")
    const made: Array<{ instanceId: string; address: string }> = []
    for (let n = 0; n < amount; n++) made.push(yield* create(context, input))
    return answer(
      { InstanceIdSets: { InstanceIdSet: made.map((m) => m.instanceId) }, TradePrice: 0, OrderId: "" },
      made.map(created)
    )
  })

const createInstance = (context: ActionContext) =>
  Effect.gen(function* () {
    const made = yield* create(context, yield* plan(context, "CreateInstance"))
    yield* context.services.ecsResources.setStatus(made.instanceId, "Stopped")
    return answer({ InstanceId: made.instanceId, TradePrice: 0, OrderId: "" }, [created(made)])
  })

/** Deletes instances once every one of them may be deleted. */
const remove = (context: ActionContext, ids: ReadonlyArray<string>, regionId: string | undefined, action: string) =>
  Effect.gen(function* () {
    const { services, params } = context
    const force = (yield* params.bool("Force")) === true
    for (const id of ids) {
      yield* instanceIn(context, id, regionId)
      const status = services.ecsResources.statusUnsafe(id)
      if (status !== "Stopped" && !force) return yield* new IncorrectInstanceStatus({ instanceId: id, status })
    }
    yield* unlessDryRun(context, action)
    for (const id of ids) {
      yield* services.fleet.remove(id)
      yield* services.ecsResources.forget(id)
    }
    return answer(
      {},
      ids.map((id) => `${id}: deleted`)
    )
  })

const deleteInstance = (context: ActionContext) =>
  Effect.flatMap(context.params.required("InstanceId"), (id) => remove(context, [id], undefined, "DeleteInstance"))

const deleteInstances = (context: ActionContext) =>
  Effect.gen(function* () {
    const regionId = yield* regionOf(context)
    const ids = context.params.repeated("InstanceId")
    if (ids.length === 0) return yield* new EcsMissingParameter({ name: "InstanceId.1" })
    return yield* remove(context, ids, regionId, "DeleteInstances")
  })

export const lifecycleActions = {
  RunInstances: change(runInstances),
  CreateInstance: change(createInstance),
  DeleteInstance: change(deleteInstance),
  DeleteInstances: change(deleteInstances)
}
