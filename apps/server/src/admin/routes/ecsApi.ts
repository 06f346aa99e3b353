// The ECS API endpoint seen from the admin plane: its URL, actions and AccessKeys, and the record of calls to it.
import { isoTime } from "@aliyun-imds/admin-api"
import { ecsActionNames, ecsApiVersion } from "@aliyun-imds/core"
import { Effect } from "effect"
import type { AdminDeps } from "../AdminDeps.ts"
import type { AdminHandlers } from "../Handlers.ts"

export const ecsApiHandlers = ({ services: { fleet, ecsCalls }, ecsUrl }: AdminDeps) =>
  ({
    DescribeEcsApi: () =>
      Effect.map(fleet.config, ({ account }) => ({
        url: ecsUrl(),
        version: ecsApiVersion,
        actions: ecsActionNames,
        accessKeys: account.accessKeys.map((k) => ({ AccessKeyId: k.accessKeyId, AccessKeySecret: k.accessKeySecret })),
        imdsSupportCheck: account.imdsSupportCheck
      })),
    DescribeEcsApiCalls: ({ query }) =>
      Effect.all({
        calls: Effect.map(
          ecsCalls.query({
            ...(query.action === undefined ? {} : { action: query.action }),
            ...(query.afterSeq === undefined ? {} : { afterSeq: query.afterSeq }),
            ...(query.limit === undefined ? {} : { limit: query.limit })
          }),
          (calls) => calls.map((c) => ({ ...c, time: isoTime(c.time) }))
        ),
        counts: ecsCalls.counts
      })
  }) satisfies Partial<AdminHandlers>
