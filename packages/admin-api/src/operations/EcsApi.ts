// The ECS API endpoint as the admin plane shows it: where it listens, the actions it answers, the AccessKey pairs it
// accepts, and the record of calls made to it (who, which action, what changed, when), kept apart from the journal.
import { ecsActionNames, ImdsSupportCheck } from "@aliyun-imds/core"
import { Schema } from "effect"
import { json, operation } from "../Operation.ts"
import { intText } from "./Observability.ts"

export const EcsAction = Schema.Literals(ecsActionNames).annotate({ identifier: "EcsAction" })

export const EcsApiView = Schema.Struct({
  url: Schema.NullOr(Schema.String).annotate({ description: "The ECS listener's URL; null when it is off." }),
  version: Schema.String,
  actions: Schema.Array(EcsAction),
  accessKeys: Schema.Array(Schema.Struct({ AccessKeyId: Schema.String, AccessKeySecret: Schema.String })),
  imdsSupportCheck: ImdsSupportCheck
}).annotate({ identifier: "EcsApi" })

export const EcsCallerView = Schema.Struct({
  kind: Schema.Literals(["account", "role"]),
  accessKeyId: Schema.String,
  instanceId: Schema.optionalKey(Schema.String),
  roleName: Schema.optionalKey(Schema.String)
}).annotate({ identifier: "EcsCaller", description: "An account AccessKey, or the STS key of an instance's role." })

export const EcsCallView = Schema.Struct({
  seq: Schema.Finite,
  time: Schema.String.annotate({ description: "Virtual time, ISO 8601." }),
  requestId: Schema.String,
  action: Schema.String,
  caller: Schema.NullOr(EcsCallerView).annotate({
    description: "Null when refused before the signature was accepted."
  }),
  status: Schema.Finite,
  code: Schema.NullOr(Schema.String).annotate({ description: "The ECS error code; null on success." }),
  changes: Schema.Array(Schema.String)
}).annotate({ identifier: "EcsCall" })

export const EcsCallsResponse = Schema.Struct({
  calls: Schema.Array(EcsCallView),
  counts: Schema.Record(Schema.String, Schema.Struct({ succeeded: Schema.Finite, failed: Schema.Finite }))
})

export const EcsCallsQuery = Schema.Struct({
  action: Schema.optionalKey(Schema.String.annotate({ description: "Only calls of this action." })),
  afterSeq: Schema.optionalKey(intText("Only calls after this seq, oldest first:", 0, Number.MAX_SAFE_INTEGER)),
  limit: Schema.optionalKey(intText("At most this many calls (default 100):", 1, 1000))
})

const tag = "ECS API"

export const ecsApiOperations = {
  DescribeEcsApi: operation({
    method: "GET",
    path: "/v1/ecs",
    tag,
    summary: `The ECS API endpoint: URL, actions (${ecsActionNames.join(", ")}) and accepted AccessKey pairs`,
    success: json(EcsApiView)
  }),
  DescribeEcsApiCalls: operation({
    method: "GET",
    path: "/v1/ecs/calls",
    tag,
    summary: "Recent ECS API calls (who, action, what changed, when) and counts per action",
    query: EcsCallsQuery,
    success: json(EcsCallsResponse)
  })
}
