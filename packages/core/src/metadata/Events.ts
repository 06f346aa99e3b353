// Time-driven notices of one instance: the spot reclaim time (`instance/spot/termination-time`) and the scheduled
// system events (`maintenance/active-system-events`), visible from their publish time on the virtual clock.

import { utcSeconds } from "../clock/UtcTime.ts"
import type { SystemEvent } from "../fleet/InstanceState.ts"

/** `instance/spot/termination-time` body: UTC `yyyy-MM-ddTHH:mm:ssZ` (spec §8, S10). */
export const spotTerminationTime = (terminationMs: number): string => utcSeconds(terminationMs)

/** Events already published at `now`, in their stored order; allocation-free while none is published. */
export const publishedEvents = (events: ReadonlyArray<SystemEvent>, now: number): ReadonlyArray<SystemEvent> =>
  events.some((e) => e.publishMs <= now) ? events.filter((e) => e.publishMs <= now) : []

/** Lifecycle code as ECS DescribeInstanceHistoryEvents reports it: waiting for its window, or under way. */
export const eventCycleStatus = (event: SystemEvent, now: number): "Scheduled" | "Executing" =>
  now < event.notBeforeMs ? "Scheduled" : "Executing"

/**
 * `maintenance/active-system-events` body: a compact JSON array whose objects mirror the ScheduledSystemEvent fields
 * of ECS DescribeInstancesFullStatus (the real format is undocumented, spec §8).
 */
export const renderSystemEvents = (events: ReadonlyArray<SystemEvent>, now: number): string =>
  JSON.stringify(
    events.map((event) => ({
      EventId: event.eventId,
      EventType: event.eventType,
      EventCycleStatus: eventCycleStatus(event, now),
      NotBefore: utcSeconds(event.notBeforeMs),
      EventPublishTime: utcSeconds(event.publishMs)
    }))
  )
