// The ECS API endpoint (the third listener): ECS RPC requests (`Action`, `Version=2014-05-26`, signed) answered over
// the same core services as the admin API, so a change made here is what the data plane, the admin API, the CLI and
// the --state file see at once. Each call is recorded (who, which action, what changed, when) apart from the journal.
import {
  type EcsActionName,
  type EcsCaller,
  EcsMissingParameter,
  EcsUnknownAction,
  ecsApiVersion,
  type StateNotSaved
} from "@aliyun-imds/core"
import { Cause, Effect, Exit, Option } from "effect"
import { newRequestId } from "../admin/errors.ts"
import type { Logger } from "../Log.ts"
import type { CoreServices, Runtime } from "../Services.ts"
import { imageActions } from "./actions/images.ts"
import { instanceActions } from "./actions/instances.ts"
import { lifecycleActions } from "./actions/lifecycle.ts"
import { metadataOptionsActions } from "./actions/metadataOptions.ts"
import type { EcsAction } from "./EcsAction.ts"
import { makeAuthenticator } from "./EcsAuth.ts"
import { ecsErrorBody, ecsFailureOf } from "./EcsErrors.ts"
import { paramsOf, readEcsRequest } from "./EcsHttpRequest.ts"
import { makeParams } from "./EcsParams.ts"

/** Every action the endpoint answers: exactly core's `ecsActionNames` (one missing or extra fails to compile). */
export const ecsActions: { readonly [K in EcsActionName]: EcsAction } = {
  ...instanceActions,
  ...lifecycleActions,
  ...metadataOptionsActions,
  ...imageActions
}

export interface EcsDeps {
  readonly runtime: Runtime
  readonly services: CoreServices
  readonly log: Logger
  /** Makes a change durable (`--state`) before it is answered. */
  readonly saveState?: Effect.Effect<void, StateNotSaved>
  /** The wall clock request timestamps are checked against; Date.now by default. */
  readonly wallNow?: () => number
}

const actionOf = (name: string | undefined, version: string | undefined) => {
  if (name === undefined || name === "") return Effect.fail(new EcsMissingParameter({ name: "Action" }))
  const action =
    version === ecsApiVersion && Object.hasOwn(ecsActions, name) ? ecsActions[name as EcsActionName] : undefined
  return action === undefined
    ? Effect.fail(new EcsUnknownAction({ action: name, version: version ?? "" }))
    : Effect.succeed(action)
}

export const makeEcsHandler = (deps: EcsDeps) => {
  const { services, runtime, log } = deps
  const authenticate = makeAuthenticator(services, deps.wallNow)
  const durably = <A, E>(operation: Effect.Effect<A, E>) =>
    deps.saveState === undefined
      ? operation
      : Effect.flatMap(Effect.exit(operation), (exit) => Effect.andThen(deps.saveState!, exit))

  return async function ecsRequest(request: Request): Promise<Response> {
    const requestId = newRequestId()
    const http = await readEcsRequest(request)
    const params = paramsOf(http)
    const name = http.header("x-acs-action") ?? params.Action
    const seen: { caller: EcsCaller | null } = { caller: null }
    const program = Effect.gen(function* () {
      const action = yield* actionOf(name, http.header("x-acs-version") ?? params.Version)
      const auth = yield* authenticate(http, params)
      seen.caller = auth.caller
      const context = { params: makeParams(auth.params), services, caller: auth.caller }
      return yield* action.mutates ? durably(action.run(context)) : action.run(context)
    })
    const exit = await runtime.runPromiseExit(program, { signal: request.signal })
    const error = Exit.isFailure(exit) ? Cause.findErrorOption(exit.cause) : Option.none()
    const failure = Exit.isSuccess(exit) ? null : ecsFailureOf(Option.getOrUndefined(error))
    const changes = Exit.isSuccess(exit) ? exit.value.changes : []
    await runtime.runPromise(
      services.ecsCalls.record({
        time: services.clock.nowUnsafe(),
        requestId,
        action: name ?? "",
        caller: seen.caller,
        status: failure?.status ?? 200,
        code: failure?.code ?? null,
        changes
      })
    )
    const headers = { "x-acs-request-id": requestId }
    if (Exit.isSuccess(exit)) {
      if (changes.length > 0) log.log("info", "ecs api change", { action: name, requestId, changes })
      return Response.json({ RequestId: requestId, ...exit.value.body }, { headers })
    }
    if (failure!.status >= 500)
      log.log("error", "ecs api call failed", { action: name, requestId, cause: String(exit.cause) })
    const hostId = http.header("host") ?? "ecs.aliyuncs.com"
    return Response.json(ecsErrorBody(failure!, requestId, hostId), { status: failure!.status, headers })
  }
}
