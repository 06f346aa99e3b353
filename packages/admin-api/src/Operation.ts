// One admin operation as data: method, path, what it is for, and the Schemas of its path parameters, query, body and
// answers. The server's routes, the OpenAPI document and the typed client are all derived from these entries.
import type { Schema } from "effect"

export type Method = "GET" | "POST" | "PUT" | "DELETE"

type AnyStruct = Schema.Struct<Schema.Struct.Fields>
/** A schema decoded without services, as request and response parts are. */
type Part = Schema.Top & { readonly DecodingServices: never; readonly EncodingServices: never }

/** A JSON success body: the schema's fields, plus the `RequestId` every answer carries. */
export interface JsonSuccess<S extends AnyStruct = AnyStruct> {
  readonly _tag: "Json"
  readonly status: 200 | 201
  readonly schema: S
}

/** A non-JSON success body (Prometheus text, a PEM certificate, rendered metadata bytes). */
export interface RawSuccess {
  readonly _tag: "Raw"
  readonly contentType: string
  readonly description: string
}

/** Error statuses an operation can answer besides the 400, 401 and 500 any operation can; the body is `ErrorBody`. */
export type ErrorStatus = 404 | 409

export interface Operation {
  readonly method: Method
  /**
   * OpenAPI path syntax: `{id}` is one segment, `{path+}` the rest of the path (several segments, each still
   * percent-encoded as the caller sent it).
   */
  readonly path: string
  readonly tag: string
  readonly summary: string
  readonly description?: string
  /** Path parameters, all text. Present exactly when `path` has parameters. */
  readonly params?: AnyStruct & Part
  /** Query parameters, all text in their encoded form; unknown ones are refused. */
  readonly query?: AnyStruct & Part
  /** A JSON object body; an empty body reads as `{}`. Without a schema only `{}` (or nothing) is accepted. */
  readonly body?: Part
  readonly success: JsonSuccess | RawSuccess
  readonly errors?: ReadonlyArray<ErrorStatus>
  /** False only for `/health`, which answers without the admin token. */
  readonly auth?: false
}

/** Declares one operation, keeping its literal types for the derived client and handler signatures. */
export const operation = <const O extends Operation>(o: O): O => o

export const json = <S extends AnyStruct>(schema: S, status: 200 | 201 = 200): JsonSuccess<S> => ({
  _tag: "Json",
  status,
  schema
})

export const raw = (contentType: string, description: string): RawSuccess => ({ _tag: "Raw", contentType, description })

/** `{id}` and `{path+}` → `:id` and `:path{.+}`. */
export const honoPath = (path: string): string => path.replace(/\{(\w+)\+\}/g, ":$1{.+}").replace(/\{(\w+)\}/g, ":$1")

/** `{path+}` → `{path}`: OpenAPI has no rest parameters. */
export const openApiPath = (path: string): string => path.replace(/\{(\w+)\+\}/g, "{$1}")

/** The names of the path's parameters, in order. */
export const pathParams = (path: string): ReadonlyArray<string> => [...path.matchAll(/\{(\w+)\+?\}/g)].map((m) => m[1]!)

/**
 * The request path with `params` filled in: one-segment parameters are percent-encoded whole, a rest parameter
 * segment by segment (its `/` separators stay).
 */
export const fillPath = (path: string, params: Readonly<Record<string, string>>): string =>
  path
    .replace(/\{(\w+)\+\}/g, (_, name: string) => (params[name] ?? "").split("/").map(encodeURIComponent).join("/"))
    .replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(params[name] ?? ""))

// --- What the entries imply for callers and implementers --------------------------------------------------------

type Has<O, K extends keyof Operation> = O extends { readonly [P in K]: Schema.Top } ? true : false

/** Query parameters may be given as `undefined`, which leaves them out. */
type Unset<Q> = { readonly [K in keyof Q]?: Q[K] | undefined }

/** What a caller sends: each part in its encoded (JSON) form, only the parts the operation has. */
export type Input<O extends Operation> = (Has<O, "params"> extends true
  ? { readonly params: Schema.Codec.Encoded<NonNullable<O["params"]>> }
  : unknown) &
  (Has<O, "query"> extends true ? { readonly query?: Unset<Schema.Codec.Encoded<NonNullable<O["query"]>>> } : unknown) &
  (Has<O, "body"> extends true ? { readonly body: Schema.Codec.Encoded<NonNullable<O["body"]>> } : unknown)

/** What a caller gets back: the decoded JSON body (its `RequestId` checked, then left out), or the raw text. */
export type Output<O extends Operation> = O["success"] extends JsonSuccess<infer S> ? S["Type"] : string

/** What a handler receives: every part decoded (absent parts as `{}`), and the request URL. */
export interface HandlerRequest<O extends Operation> {
  readonly params: Has<O, "params"> extends true ? NonNullable<O["params"]>["Type"] : Record<string, never>
  readonly query: Has<O, "query"> extends true ? NonNullable<O["query"]>["Type"] : Record<string, never>
  readonly body: Has<O, "body"> extends true ? NonNullable<O["body"]>["Type"] : Record<string, never>
  readonly url: URL
}

/** What a handler produces: the JSON body without `RequestId`, or raw bytes with their content type. */
export type HandlerResult<O extends Operation> =
  O["success"] extends JsonSuccess<infer S>
    ? S["Type"]
    : { readonly body: string | Uint8Array | ReadableStream<Uint8Array>; readonly contentType: string }
