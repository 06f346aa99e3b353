// Spot reclaim and system events, each at an instant or after a duration on the virtual clock.
import { durationMs, instantMs, isoTime } from "@aliyun-imds/admin-api"
import { Effect } from "effect"
import type { AdminDeps } from "../AdminDeps.ts"
import { InvalidParameter, MissingParameter } from "../errors.ts"
import type { AdminHandlers } from "../Handlers.ts"
import { eventView, existingInstanceId, stateOf } from "../views.ts"

type Time = string | number

/** Exactly one of an absolute and a relative time, as epoch ms. */
const when = (
  names: readonly [string, string],
  at: Time | undefined,
  after: Time | undefined,
  now: Effect.Effect<number>
) => {
  if (at !== undefined && after !== undefined) {
    return Effect.fail(new InvalidParameter({ field: names[1], message: `give either "${names[0]}" or "${names[1]}"` }))
  }
  if (at !== undefined) return Effect.succeed(instantMs(at))
  if (after === undefined) return Effect.fail(new MissingParameter({ field: names[0] }))
  return Effect.map(now, (n) => n + durationMs(after))
}

export const eventHandlers = ({ services: { fleet, clock } }: AdminDeps) => {
  const onInstance = (id: string) => existingInstanceId(fleet, id)
  const spotStatus = (instanceId: string, ms: number | null) => ({
    instanceId,
    terminationTime: ms === null ? null : isoTime(ms)
  })
  return {
    ScheduleSpotTermination: ({ params, body }) =>
      Effect.gen(function* () {
        const instanceId = yield* onInstance(params.id)
        const at = yield* when(["at", "in"], body.at, body.in, clock.now)
        const state = yield* fleet.scheduleSpot(instanceId, at)
        return spotStatus(instanceId, state.spotTerminationMs)
      }),
    CancelSpotTermination: ({ params }) =>
      Effect.flatMap(onInstance(params.id), (id) =>
        Effect.map(fleet.cancelSpot(id), (s) => spotStatus(id, s.spotTerminationMs))
      ),
    DescribeSimulatedSystemEvents: ({ params }) =>
      Effect.map(stateOf(fleet, params.id), (s) => ({
        instanceId: s.instance.instanceId,
        events: s.systemEvents.map(eventView)
      })),
    CreateSimulatedSystemEvents: ({ params, body }) =>
      Effect.gen(function* () {
        const instanceId = yield* onInstance(params.id)
        const notBeforeMs = yield* when(["notBefore", "in"], body.notBefore, body.in, clock.now)
        const publish = body.publish === undefined ? {} : { publishMs: instantMs(body.publish) }
        const event = yield* fleet.addSystemEvent(instanceId, { eventType: body.eventType, notBeforeMs, ...publish })
        return { instanceId, event: eventView(event) }
      }),
    CancelSimulatedSystemEvents: ({ params }) =>
      Effect.flatMap(onInstance(params.id), (id) =>
        Effect.map(fleet.clearSystemEvents(id), (s) => ({ instanceId: id, events: s.systemEvents.map(eventView) }))
      )
  } satisfies Partial<AdminHandlers>
}
