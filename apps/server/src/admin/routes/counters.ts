// The CloudMonitor view: request counters per instance and in total, readable and resettable.
import { Effect } from "effect"
import type { AdminDeps } from "../AdminDeps.ts"
import type { AdminHandlers } from "../Handlers.ts"
import { existingInstanceId } from "../views.ts"

export const counterHandlers = ({ services: { fleet, counters } }: AdminDeps) => {
  const idOf = (instance: string | undefined) =>
    instance === undefined ? Effect.succeed(undefined) : existingInstanceId(fleet, instance)
  return {
    DescribeCounters: ({ query }) => Effect.flatMap(idOf(query.instance), counters.snapshot),
    ResetCounters: ({ query }) =>
      Effect.flatMap(idOf(query.instance), (id) => Effect.andThen(counters.reset(id), counters.snapshot(id)))
  } satisfies Partial<AdminHandlers>
}
