// What an ECS action is to the endpoint: a function of the request's parameters over the core services that answers
// the action's response body and names what it changed (for the call record), and whether it changes anything (a
// change is saved to the --state file before it is answered).
import { type EcsCaller, InstanceNotFound, type InstanceState, isKnownRegion, RegionNotFound } from "@aliyun-imds/core"
import { Effect, Schema } from "effect"
import type { CoreServices } from "../Services.ts"
import type { Params } from "./EcsParams.ts"

export interface ActionContext {
  readonly params: Params
  readonly services: CoreServices
  readonly caller: EcsCaller
}

export interface ActionResult {
  readonly body: Readonly<Record<string, unknown>>
  readonly changes: ReadonlyArray<string>
}

export interface EcsAction {
  readonly mutates: boolean
  readonly run: (context: ActionContext) => Effect.Effect<ActionResult, unknown>
}

export const describe = (run: EcsAction["run"]): EcsAction => ({ mutates: false, run })
export const change = (run: EcsAction["run"]): EcsAction => ({ mutates: true, run })

export const answer = (body: Readonly<Record<string, unknown>>, changes: ReadonlyArray<string> = []): ActionResult => ({
  body,
  changes
})

/** RegionId, required, and one the emulator knows (its catalogue or a region of the fleet). */
export const regionOf = ({ params, services }: ActionContext) =>
  Effect.gen(function* () {
    const regionId = yield* params.required("RegionId")
    const states = yield* services.fleet.list
    if (
      !isKnownRegion(
        regionId,
        states.map((s) => s.instance)
      )
    )
      return yield* new RegionNotFound({ regionId })
    return regionId
  })

/** The instance, which must be in `regionId` when one is given (ECS looks instances up per region). */
export const instanceIn = (
  { services }: ActionContext,
  instanceId: string,
  regionId?: string
): Effect.Effect<InstanceState, InstanceNotFound> =>
  Effect.flatMap(services.fleet.get(instanceId), (state) =>
    regionId === undefined || state.instance.regionId === regionId
      ? Effect.succeed(state)
      : Effect.fail(new InstanceNotFound({ instanceId }))
  )

/** `DryRun=true`: the request was checked and nothing was done (ECS answers `DryRunOperation`). */
export class DryRunPassed extends Schema.TaggedError<DryRunPassed>()("EcsDryRunPassed", { action: Schema.String }) {}

/** Stops an action whose request asked for a dry run, once its parameters have been checked. */
export const unlessDryRun = ({ params }: ActionContext, action: string) =>
  Effect.flatMap(params.bool("DryRun"), (dry) =>
    dry === true ? Effect.fail(new DryRunPassed({ action })) : Effect.void
  )
