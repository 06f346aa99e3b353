// The fleet as a whole: back to the loaded file (optionally clearing every run-time rule and record), reload the file
// (a bad file is refused naming the field and the running fleet keeps serving; run-time changes that still apply are
// kept, the others logged; nested address bindings are answered and logged as warnings), and the identity certificate.
import { pemContentType } from "@aliyun-imds/admin-api"
import { FleetInvalid } from "@aliyun-imds/core"
import { Effect } from "effect"
import { FleetLoadError, logBindingWarnings } from "../../FleetSource.ts"
import type { AdminDeps } from "../AdminDeps.ts"
import type { AdminHandlers } from "../Handlers.ts"

export const fleetHandlers = ({ services, source, log }: AdminDeps) => {
  const { fleet, clock, throttle, faults, counters, journal, tokens, identity, ecsResources, ecsCalls } = services
  const status = Effect.map(fleet.config, (c) => ({
    source: source.describe,
    defaultInstanceId: c.defaultInstanceId,
    instanceCount: c.instances.length
  }))
  const clearEverything = Effect.all([
    clock.reset,
    throttle.clear(),
    faults.clear(),
    counters.reset(),
    journal.clear,
    ecsCalls.clear,
    tokens.revokeAll
  ])
  const reset = Effect.andThen(fleet.reset, ecsResources.reset)
  const load = Effect.tryPromise({
    try: () => source.load(),
    catch: (e) =>
      e instanceof FleetLoadError
        ? new FleetInvalid({ path: e.invalid?.path ?? "(file)", message: e.invalid?.message ?? e.message })
        : e
  })
  return {
    ResetFleet: ({ body }) =>
      Effect.andThen(body.all === true ? Effect.andThen(clearEverything, reset) : reset, status),
    ReloadFleet: () =>
      Effect.gen(function* () {
        const config = yield* load
        const drops = yield* fleet.reload(config)
        yield* ecsResources.reload(config.images, config.seed)
        for (const { entry, instanceId, reason } of drops) {
          log.log("warn", "run-time change dropped on reload: it no longer applies", { entry, instanceId, reason })
        }
        const warnings = logBindingWarnings(log, config)
        return { ...(yield* status), warnings }
      }),
    DescribeIdentityCertificate: () =>
      Effect.map(identity.certificatePem, (body) => ({ body, contentType: pemContentType }))
  } satisfies Partial<AdminHandlers>
}
