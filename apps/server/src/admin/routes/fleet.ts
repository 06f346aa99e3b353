// The fleet as a whole: back to the loaded file (optionally clearing every run-time rule and record too), reload the
// file from its source (a bad file is refused naming the field and the running fleet keeps serving), and the
// identity certificate that verifies `pkcs7` documents.
import { FleetInvalid } from "@aliyun-imds/core"
import { Effect, Schema } from "effect"
import { FleetLoadError } from "../../FleetSource.ts"
import type { AdminDeps } from "../AdminDeps.ts"
import { type AdminRoute, jsonRoute, rawReply, rawRoute } from "../Route.ts"

export const ResetRequest = Schema.Struct({
  all: Schema.optionalKey(
    Schema.Boolean.annotate({
      description: "Also reset the clock, throttle and fault rules, counters and journal, and revoke every token."
    })
  )
}).annotate({ identifier: "Reset" })

export const FleetStatus = Schema.Struct({
  source: Schema.String,
  defaultInstanceId: Schema.String,
  instanceCount: Schema.Finite
})

const tag = "Fleet"

export const fleetRoutes = ({ services, source }: AdminDeps): ReadonlyArray<AdminRoute> => {
  const { fleet, clock, throttle, faults, counters, journal, tokens, identity } = services
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
    tokens.revokeAll
  ])
  const load = Effect.tryPromise({
    try: () => source.load(),
    catch: (e) =>
      e instanceof FleetLoadError
        ? new FleetInvalid({ path: e.invalid?.path ?? "(file)", message: e.invalid?.message ?? e.message })
        : e
  })
  return [
    jsonRoute({
      method: "POST",
      path: "/v1/reset",
      operationId: "reset",
      tag,
      summary: "Back to the loaded fleet (roles re-anchored at now); `all` also clears run-time rules and records",
      body: ResetRequest,
      response: FleetStatus,
      handle: ({ body }) =>
        Effect.andThen(body.all === true ? Effect.andThen(clearEverything, fleet.reset) : fleet.reset, status)
    }),
    jsonRoute({
      method: "POST",
      path: "/v1/reload",
      operationId: "reload",
      tag,
      summary: "Read the fleet file again and serve it; a bad file is refused and the running fleet stays",
      response: FleetStatus,
      handle: () => Effect.andThen(Effect.flatMap(load, fleet.reload), status)
    }),
    rawRoute({
      method: "GET",
      path: "/v1/identity/certificate",
      operationId: "getIdentityCertificate",
      tag,
      summary: "The certificate that signs `pkcs7` (for `openssl smime -verify -certfile`)",
      produces: { contentType: "application/x-pem-file", description: "PEM certificate." },
      handle: () => Effect.map(identity.certificatePem, (pem) => rawReply(pem, "application/x-pem-file"))
    })
  ]
}
