// Scheduled happenings an instance announces through its metadata: spot reclaim (`instance/spot/termination-time`)
// and system events (`maintenance/active-system-events`), each at an instant or after a duration on the virtual clock.
import { SystemEventType } from "@aliyun-imds/core"
import { Schema } from "effect"
import { json, operation } from "../Operation.ts"
import { DurationInput, InstantInput } from "../Time.ts"
import { EventView, InstanceParams } from "../Views.ts"

export const ScheduleSpotRequest = Schema.Struct({
  at: Schema.optionalKey(InstantInput),
  in: Schema.optionalKey(DurationInput)
}).annotate({ identifier: "ScheduleSpot", description: "Exactly one of `at` (an instant) or `in` (from now)." })

export const SpotStatus = Schema.Struct({ instanceId: Schema.String, terminationTime: Schema.NullOr(Schema.String) })

export const AddEventRequest = Schema.Struct({
  eventType: SystemEventType,
  notBefore: Schema.optionalKey(InstantInput),
  in: Schema.optionalKey(DurationInput),
  publish: Schema.optionalKey(InstantInput.annotate({ description: "When it becomes visible; default now." }))
}).annotate({ identifier: "AddSystemEvent", description: "Exactly one of `notBefore` (an instant) or `in`." })

export const EventAdded = Schema.Struct({ instanceId: Schema.String, event: EventView })
export const EventList = Schema.Struct({ instanceId: Schema.String, events: Schema.Array(EventView) })

const tag = "Events"

export const eventOperations = {
  ScheduleSpotTermination: operation({
    method: "POST",
    path: "/v1/instances/{id}/spot",
    tag,
    summary: "Schedule spot reclaim (the instance becomes a spot instance)",
    params: InstanceParams,
    body: ScheduleSpotRequest,
    errors: [404],
    success: json(SpotStatus)
  }),
  CancelSpotTermination: operation({
    method: "DELETE",
    path: "/v1/instances/{id}/spot",
    tag,
    summary: "Cancel a scheduled spot reclaim",
    params: InstanceParams,
    errors: [404],
    success: json(SpotStatus)
  }),
  DescribeSimulatedSystemEvents: operation({
    method: "GET",
    path: "/v1/instances/{id}/events",
    tag,
    summary: "Scheduled system events, published or not",
    params: InstanceParams,
    errors: [404],
    success: json(EventList)
  }),
  CreateSimulatedSystemEvents: operation({
    method: "POST",
    path: "/v1/instances/{id}/events",
    tag,
    summary: "Schedule a system event",
    params: InstanceParams,
    body: AddEventRequest,
    errors: [404],
    success: json(EventAdded, 201)
  }),
  CancelSimulatedSystemEvents: operation({
    method: "DELETE",
    path: "/v1/instances/{id}/events",
    tag,
    summary: "Remove every system event",
    params: InstanceParams,
    errors: [404],
    success: json(EventList)
  })
}
