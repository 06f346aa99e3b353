// ModifyInstanceMetadataOptions (spec §11): RegionId, InstanceId and HttpEndpoint required; every value checked with
// the API's codes before the instance is looked up; an instance of another region is not found. The change goes
// through the fleet store, so the data plane follows at once.
import { checkMetadataOptions, HttpEndpoint, HttpTokens, InstanceMetadataTags } from "@aliyun-imds/core"
import { Effect, Schema } from "effect"
import { type ActionContext, answer, change, instanceIn, regionOf } from "../EcsAction.ts"

/** ECS has access policies (ImdsAccessPolicyId) the emulator does not: any id names none. */
export class ImdsAccessPolicyNotFound extends Schema.TaggedError<ImdsAccessPolicyNotFound>()(
  "EcsImdsAccessPolicyNotFound",
  { id: Schema.String }
) {}

const modify = (context: ActionContext) =>
  Effect.gen(function* () {
    const { params, services } = context
    const regionId = yield* regionOf(context)
    const instanceId = yield* params.required("InstanceId")
    yield* params.required("HttpEndpoint")
    const hop = yield* params.int("HttpPutResponseHopLimit")
    const values = {
      HttpEndpoint: params.get("HttpEndpoint"),
      HttpTokens: params.get("HttpTokens"),
      InstanceMetadataTags: params.get("InstanceMetadataTags"),
      HttpPutResponseHopLimit: hop
    }
    const options = yield* Effect.fromResult(checkMetadataOptions(values))
    const policy = params.get("ImdsAccessPolicyId")
    if (policy !== undefined && policy !== "") return yield* new ImdsAccessPolicyNotFound({ id: policy })
    yield* instanceIn(context, instanceId, regionId)
    const after = yield* services.fleet.modifyMetadataOptions({ InstanceId: instanceId, ...options })
    const changed = Object.entries(options).map(([k, v]) => `${k}=${v}`)
    return answer({}, [`${after.InstanceId}: ${changed.join(", ")}`])
  })

export const metadataOptionsActions = { ModifyInstanceMetadataOptions: change(modify) }

/** The metadata option filters of DescribeInstances, checked as the API's values. */
export const optionFilters = (params: ActionContext["params"]) =>
  Effect.all({
    HttpEndpoint: params.choice("HttpEndpoint", HttpEndpoint.literals),
    HttpTokens: params.choice("HttpTokens", HttpTokens.literals),
    InstanceMetadataTags: params.choice("InstanceMetadataTags", InstanceMetadataTags.literals)
  })
