// Scheduled happenings an instance announces through its metadata: spot reclaim (`instance/spot/termination-time`)
// and system events (`maintenance/active-system-events`), each at an instant or after a duration on the virtual clock.
import { Effect, Schema } from "effect"
import type { AdminDeps } from "../AdminDeps.ts"
import { InvalidParameter, MissingParameter } from "../errors.ts"
import { type AdminRoute, jsonRoute } from "../Route.ts"
import { DurationInput, durationMs, InstantInput, instantMs, isoTime } from "../time.ts"
import { EventView, eventView, existingInstanceId, stateOf } from "../views.ts"

export const ScheduleSpotRequest = Schema.Struct({
  at: Schema.optionalKey(InstantInput),
  in: Schema.optionalKey(DurationInput)
}).annotate({ identifier: "ScheduleSpot", description: "Exactly one of `at` (an instant) or `in` (from now)." })

export const SpotStatus = Schema.Struct({ instanceId: Schema.String, terminationTime: Schema.NullOr(Schema.String) })

export const AddEventRequest = Schema.Struct({
  eventType: Schema.String.check(
    Schema.isPattern(/^[A-Za-z]+(\.[A-Za-z]+)+$/, { expected: 'an ECS event type such as "SystemMaintenance.Reboot"' })
  ),
  notBefore: Schema.optionalKey(InstantInput),
  in: Schema.optionalKey(DurationInput),
  publish: Schema.optionalKey(InstantInput.annotate({ description: "When it becomes visible; default now." }))
}).annotate({ identifier: "AddSystemEvent", description: "Exactly one of `notBefore` (an instant) or `in`." })

export const EventAdded = Schema.Struct({ instanceId: Schema.String, event: EventView })
export const EventList = Schema.Struct({ instanceId: Schema.String, events: Schema.Array(EventView) })

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

const tag = "Events"

export const eventRoutes = ({ services: { fleet, clock } }: AdminDeps): ReadonlyArray<AdminRoute> => {
  const onInstance = (id: string) => existingInstanceId(fleet, id)
  const spotStatus = (instanceId: string, ms: number | null) => ({
    instanceId,
    terminationTime: ms === null ? null : isoTime(ms)
  })
  return [
    jsonRoute({
      method: "POST",
      path: "/v1/instances/:id/spot",
      operationId: "scheduleSpot",
      tag,
      summary: "Schedule spot reclaim (the instance becomes a spot instance)",
      body: ScheduleSpotRequest,
      errors: [404],
      response: SpotStatus,
      handle: ({ params, body }) =>
        Effect.gen(function* () {
          const instanceId = yield* onInstance(params.id!)
          const at = yield* when(["at", "in"], body.at, body.in, clock.now)
          const state = yield* fleet.scheduleSpot(instanceId, at)
          return spotStatus(instanceId, state.spotTerminationMs)
        })
    }),
    jsonRoute({
      method: "DELETE",
      path: "/v1/instances/:id/spot",
      operationId: "cancelSpot",
      tag,
      summary: "Cancel a scheduled spot reclaim",
      errors: [404],
      response: SpotStatus,
      handle: ({ params }) =>
        Effect.flatMap(onInstance(params.id!), (id) =>
          Effect.map(fleet.cancelSpot(id), (s) => spotStatus(id, s.spotTerminationMs))
        )
    }),
    jsonRoute({
      method: "GET",
      path: "/v1/instances/:id/events",
      operationId: "listSystemEvents",
      tag,
      summary: "Scheduled system events, published or not",
      errors: [404],
      response: EventList,
      handle: ({ params }) =>
        Effect.map(stateOf(fleet, params.id!), (s) => ({
          instanceId: s.instance.instanceId,
          events: s.systemEvents.map(eventView)
        }))
    }),
    jsonRoute({
      method: "POST",
      path: "/v1/instances/:id/events",
      operationId: "addSystemEvent",
      tag,
      summary: "Schedule a system event",
      status: 201,
      body: AddEventRequest,
      errors: [404],
      response: EventAdded,
      handle: ({ params, body }) =>
        Effect.gen(function* () {
          const instanceId = yield* onInstance(params.id!)
          const notBeforeMs = yield* when(["notBefore", "in"], body.notBefore, body.in, clock.now)
          const publish = body.publish === undefined ? {} : { publishMs: instantMs(body.publish) }
          const event = yield* fleet.addSystemEvent(instanceId, { eventType: body.eventType, notBeforeMs, ...publish })
          return { instanceId, event: eventView(event) }
        })
    }),
    jsonRoute({
      method: "DELETE",
      path: "/v1/instances/:id/events",
      operationId: "clearSystemEvents",
      tag,
      summary: "Remove every system event",
      errors: [404],
      response: EventList,
      handle: ({ params }) =>
        Effect.flatMap(onInstance(params.id!), (id) =>
          Effect.map(fleet.clearSystemEvents(id), (s) => ({ instanceId: id, events: s.systemEvents.map(eventView) }))
        )
    })
  ]
}
