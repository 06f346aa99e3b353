// The fleet as a whole: back to the loaded file (optionally clearing every run-time rule and record too), reload the
// file from its source (a bad file is refused naming the field and the running fleet keeps serving), and the
// identity certificate that verifies `pkcs7` documents.
import { Schema } from "effect"
import { json, operation, raw } from "../Operation.ts"

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

/** A reload's status, with the overlaps of address bindings the new file has that the rule resolves (docs/fleet.md). */
export const ReloadStatus = Schema.Struct({
  ...FleetStatus.fields,
  warnings: Schema.Array(Schema.String).annotate({
    description:
      "One line per block that contains another instance's longer one, naming both instances and both ranges, and " +
      "which wins (the longer prefix). A range bound to two instances is an error (400) instead."
  })
})

export const pemContentType = "application/x-pem-file"

const tag = "Fleet"

export const fleetOperations = {
  ResetFleet: operation({
    method: "POST",
    path: "/v1/reset",
    tag,
    summary: "Back to the loaded fleet (roles re-anchored at now); `all` also clears run-time rules and records",
    body: ResetRequest,
    success: json(FleetStatus)
  }),
  ReloadFleet: operation({
    method: "POST",
    path: "/v1/reload",
    tag,
    summary: "Read the fleet file again and serve it; a bad file is refused and the running fleet stays",
    success: json(ReloadStatus)
  }),
  DescribeIdentityCertificate: operation({
    method: "GET",
    path: "/v1/identity/certificate",
    tag,
    summary: "The certificate that signs `pkcs7` (for `openssl smime -verify -certfile`)",
    success: raw(pemContentType, "PEM certificate.")
  })
}
