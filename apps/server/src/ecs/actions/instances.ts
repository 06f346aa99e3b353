// The instance actions: DescribeInstances (filters, both kinds of paging), DescribeInstanceAttribute,
// DescribeInstanceRamRole, and StartInstance/StopInstance, which change `Status` only (the metadata service keeps
// serving a stopped instance, as the emulator has no guest to stop).
import {
  IncorrectInstanceStatus,
  type InstanceState,
  type InstanceStatus,
  maxPageSize,
  paginate
} from "@aliyun-imds/core"
import { Effect } from "effect"
import { type ActionContext, answer, change, describe, instanceIn, regionOf, unlessDryRun } from "../EcsAction.ts"
import { instanceAttributeView, instanceView } from "../EcsViews.ts"
import { optionFilters } from "./metadataOptions.ts"

const statusOf = ({ services }: ActionContext, state: InstanceState) =>
  services.ecsResources.statusUnsafe(state.instance.instanceId)

/** DescribeInstances' filters, as one predicate; absent ones match everything. */
const instanceFilter = (context: ActionContext, regionId: string) =>
  Effect.gen(function* () {
    const { params } = context
    const ids = yield* params.jsonList("InstanceIds", maxPageSize)
    const options = yield* optionFilters(params)
    const status = yield* params.choice("Status", ["Pending", "Running", "Starting", "Stopping", "Stopped"])
    const tags = params.tags()
    const eq = (name: string, value: string) => params.get(name) === undefined || params.get(name) === value
    return (state: InstanceState) => {
      const i = state.instance
      const eni = i.networkInterfaces[0]
      return (
        i.regionId === regionId &&
        (ids === undefined || ids.includes(i.instanceId)) &&
        (options.HttpEndpoint === undefined || i.metadataOptions.HttpEndpoint === options.HttpEndpoint) &&
        (options.HttpTokens === undefined || i.metadataOptions.HttpTokens === options.HttpTokens) &&
        (options.InstanceMetadataTags === undefined ||
          i.metadataOptions.InstanceMetadataTags === options.InstanceMetadataTags) &&
        (status === undefined || statusOf(context, state) === status) &&
        eq("ZoneId", i.zoneId) &&
        eq("InstanceType", i.instanceType) &&
        eq("ImageId", i.imageId) &&
        eq("InstanceName", i.instanceName) &&
        eq("VpcId", eni?.vpcId ?? "") &&
        eq("VSwitchId", eni?.vswitchId ?? "") &&
        tags.every(([key, value]) => i.tags[key] !== undefined && (value === "" || i.tags[key] === value))
      )
    }
  })

const pageRequest = ({ params }: ActionContext) =>
  Effect.all({
    pageNumber: params.int("PageNumber"),
    pageSize: params.int("PageSize"),
    maxResults: params.int("MaxResults"),
    nextToken: Effect.succeed(params.get("NextToken"))
  })

const describeInstances = (context: ActionContext) =>
  Effect.gen(function* () {
    const { services } = context
    const regionId = yield* regionOf(context)
    const matches = yield* instanceFilter(context, regionId)
    const request = yield* pageRequest(context)
    const states = (yield* services.fleet.list).filter(matches)
    const page = yield* Effect.fromResult(paginate(states, request, (s) => s.instance.instanceId))
    const osName = (imageId: string) => services.ecsResources.imageUnsafe(imageId)?.osName ?? ""
    return answer({
      Instances: { Instance: page.items.map((s) => instanceView(s, statusOf(context, s), osName(s.instance.imageId))) },
      TotalCount: page.totalCount,
      PageNumber: page.pageNumber,
      PageSize: page.pageSize,
      NextToken: page.nextToken
    })
  })

const describeInstanceAttribute = (context: ActionContext) =>
  Effect.gen(function* () {
    const state = yield* instanceIn(context, yield* context.params.required("InstanceId"))
    return answer(instanceAttributeView(state, statusOf(context, state)))
  })

const describeInstanceRamRole = (context: ActionContext) =>
  Effect.gen(function* () {
    const { params, services } = context
    const regionId = yield* regionOf(context)
    const ids = yield* params.jsonList("InstanceIds", maxPageSize)
    const roleName = params.get("RamRoleName")
    const request = yield* pageRequest(context)
    const states = (yield* services.fleet.list).filter(
      (s) =>
        s.instance.regionId === regionId &&
        (ids === undefined || ids.includes(s.instance.instanceId)) &&
        (roleName === undefined || s.role?.name === roleName)
    )
    const page = yield* Effect.fromResult(paginate(states, request, (s) => s.instance.instanceId))
    return answer({
      RegionId: regionId,
      TotalCount: page.totalCount,
      InstanceRamRoleSets: {
        InstanceRamRoleSet: page.items.map((s) => ({
          InstanceId: s.instance.instanceId,
          RamRoleName: s.role?.name ?? ""
        }))
      }
    })
  })

/** StartInstance / StopInstance: from the other status only. */
const setStatus = (action: string, from: InstanceStatus, to: InstanceStatus) => (context: ActionContext) =>
  Effect.gen(function* () {
    const state = yield* instanceIn(context, yield* context.params.required("InstanceId"))
    const id = state.instance.instanceId
    const status = statusOf(context, state)
    if (status !== from) return yield* new IncorrectInstanceStatus({ instanceId: id, status })
    yield* unlessDryRun(context, action)
    yield* context.services.ecsResources.setStatus(id, to)
    return answer({}, [`${id}: Status=${to}`])
  })

export const instanceActions = {
  DescribeInstances: describe(describeInstances),
  DescribeInstanceAttribute: describe(describeInstanceAttribute),
  DescribeInstanceRamRole: describe(describeInstanceRamRole),
  StartInstance: change(setStatus("StartInstance", "Stopped", "Running")),
  StopInstance: change(setStatus("StopInstance", "Running", "Stopped"))
}
