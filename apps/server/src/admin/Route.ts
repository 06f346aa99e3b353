// One admin operation: method, path, the Schemas of its query, body and response, and an Effect handler. The route
// table drives both the Hono registration and the OpenAPI document, so the two cannot drift apart.
import { Effect, Result, type Schema } from "effect"
import { decodeWith, parseJsonBody, queryRecord, type RequestError } from "./decode.ts"
import { InvalidParameter } from "./errors.ts"

export type Method = "GET" | "POST" | "PUT" | "DELETE"

export interface RouteRequest<B, Q> {
  /** Path parameters as Hono decoded them (`:id`, `:path`). */
  readonly params: Readonly<Record<string, string>>
  readonly query: Q
  readonly body: B
  readonly url: URL
}

/** A non-JSON answer (Prometheus text, PEM, rendered metadata bytes). */
export interface RawReply {
  readonly _tag: "RawReply"
  readonly body: string | Uint8Array
  readonly contentType: string
}

export const rawReply = (body: string | Uint8Array, contentType: string): RawReply => ({
  _tag: "RawReply",
  body,
  contentType
})

export type Reply = RawReply | { readonly _tag: "JsonReply"; readonly status: number; readonly data: object }

type AnyStruct = Schema.Struct<Schema.Struct.Fields>

interface Common<B, Q> {
  readonly method: Method
  /** Hono syntax: `:id` parameters, `:path{.+}` for a rest-of-path parameter. */
  readonly path: string
  readonly operationId: string
  readonly tag: string
  readonly summary: string
  readonly description?: string
  /** Query parameters (all text); unknown ones are refused. */
  readonly query?: Schema.ConstraintDecoder<Q> & AnyStruct
  /** JSON object body; an empty body reads as `{}`. Without a schema only `{}` (or nothing) is accepted. */
  readonly body?: Schema.ConstraintDecoder<B>
  /** Error statuses this route can answer besides 400, 401 and 500. */
  readonly errors?: ReadonlyArray<number>
  /** False only for `/health`. */
  readonly auth?: boolean
}

export interface JsonRouteSpec<B, Q, S extends AnyStruct> extends Common<B, Q> {
  readonly status?: 200 | 201
  /** The success body's fields; `RequestId` is added to every one. */
  readonly response: S
  readonly handle: (request: RouteRequest<B, Q>) => Effect.Effect<S["Type"], unknown>
}

export interface RawRouteSpec<B, Q> extends Common<B, Q> {
  readonly produces: { readonly contentType: string; readonly description: string }
  readonly handle: (request: RouteRequest<B, Q>) => Effect.Effect<RawReply, unknown>
}

/** What the OpenAPI generator reads. */
export interface RouteDoc extends Common<unknown, unknown> {
  readonly success:
    | { readonly _tag: "Json"; readonly status: number; readonly schema: AnyStruct }
    | { readonly _tag: "Raw"; readonly contentType: string; readonly description: string }
}

export interface RawRequest {
  readonly params: Readonly<Record<string, string>>
  readonly url: URL
  readonly bodyText: string
}

export interface AdminRoute {
  readonly doc: RouteDoc
  readonly run: (request: RawRequest) => Effect.Effect<Reply, unknown>
}

/** An empty Struct accepts any object, so operations without fields refuse extra ones here. */
const noFields =
  (whole: string) =>
  (input: unknown): Result.Result<object, RequestError> => {
    if (typeof input !== "object" || input === null || Array.isArray(input)) {
      return Result.fail(new InvalidParameter({ field: whole, message: "expected an object" }))
    }
    const first = Object.keys(input)[0]
    return first === undefined
      ? Result.succeed({})
      : Result.fail(new InvalidParameter({ field: first, message: "unknown field (this operation takes none)" }))
  }

const decoder = <T>(schema: Schema.ConstraintDecoder<T> | undefined, whole: string) =>
  (schema === undefined ? noFields(whole) : decodeWith(schema, whole)) as (
    input: unknown
  ) => Result.Result<T, RequestError>

const decodeRequest = <B, Q>(spec: Common<B, Q>, raw: RawRequest): Effect.Effect<RouteRequest<B, Q>, unknown> => {
  const body = Result.flatMap(parseJsonBody(raw.bodyText), (json) =>
    decoder(spec.body, "(body)")(json === undefined ? {} : json)
  )
  const query = Result.flatMap(queryRecord(raw.url), decoder(spec.query, "(query)"))
  return Effect.map(Effect.fromResult(Result.all({ query, body })), ({ query, body }) => ({
    params: raw.params,
    url: raw.url,
    query,
    body
  }))
}

export const jsonRoute = <S extends AnyStruct, B = unknown, Q = unknown>(spec: JsonRouteSpec<B, Q, S>): AdminRoute => ({
  doc: { ...spec, success: { _tag: "Json", status: spec.status ?? 200, schema: spec.response } },
  run: (raw) =>
    Effect.flatMap(decodeRequest(spec, raw), (request) =>
      Effect.map(spec.handle(request), (data): Reply => ({ _tag: "JsonReply", status: spec.status ?? 200, data }))
    )
})

export const rawRoute = <B = unknown, Q = unknown>(spec: RawRouteSpec<B, Q>): AdminRoute => ({
  doc: { ...spec, success: { _tag: "Raw", ...spec.produces } },
  run: (raw) => Effect.flatMap(decodeRequest(spec, raw), spec.handle)
})
