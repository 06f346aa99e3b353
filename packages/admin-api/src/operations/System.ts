// The admin listener's own endpoints: liveness (the one operation open without a token), discovery of the metadata
// listener, Prometheus metrics and this API's OpenAPI document.
import { Schema } from "effect"
import { json, operation, raw } from "../Operation.ts"

export const Health = Schema.Struct({ status: Schema.Literal("ok"), runtime: Schema.String })

export const Info = Schema.Struct({
  runtime: Schema.String,
  dataUrl: Schema.String,
  fleetSource: Schema.String,
  defaultInstanceId: Schema.String,
  instanceCount: Schema.Finite
})

export const prometheusContentType = "text/plain; version=0.0.4; charset=utf-8"

const tag = "Admin"

export const systemOperations = {
  Health: operation({
    method: "GET",
    path: "/health",
    tag,
    summary: "Liveness; open without a token",
    auth: false,
    success: json(Health)
  }),
  DescribeEmulator: operation({
    method: "GET",
    path: "/v1/info",
    tag,
    summary: "Where the metadata listener is and what it serves",
    success: json(Info)
  }),
  GetMetrics: operation({
    method: "GET",
    path: "/metrics",
    tag,
    summary: "Prometheus metrics (text format 0.0.4)",
    success: raw(prometheusContentType, "Prometheus text.")
  }),
  GetOpenApiDocument: operation({
    method: "GET",
    path: "/openapi.json",
    tag,
    summary: "This API as an OpenAPI 3.1 document",
    success: raw("application/json", "OpenAPI 3.1 document.")
  })
}
