// Binds the admin contract to the server: one handler per operationId (a missing or an extra one is a type error),
// and for each operation a route that decodes the request with the operation's own Schemas before its handler runs.
import {
  AdminContract,
  type AdminHandlerRequest,
  type AdminHandlerResult,
  type Operation,
  type OperationId,
  operationIds
} from "@aliyun-imds/admin-api"
import { formatFieldPath } from "@aliyun-imds/core"
import { Effect, Result } from "effect"
import { decodeWith, parseJsonBody, queryRecord, type RequestError } from "./decode.ts"
import { InvalidParameter } from "./errors.ts"

export type AdminHandler<K extends OperationId> = (
  request: AdminHandlerRequest<K>
) => Effect.Effect<AdminHandlerResult<K>, unknown>

export type AdminHandlers = { readonly [K in OperationId]: AdminHandler<K> }

/** What Hono hands an operation: path parameters as matched, the URL, and the body text. */
export interface RawRequest {
  readonly params: Readonly<Record<string, string>>
  readonly url: URL
  readonly bodyText: string
}

/** Raw bytes, or a stream of them (Server-Sent Events). */
export type RawBody = string | Uint8Array | ReadableStream<Uint8Array>

export type Reply =
  | { readonly _tag: "Raw"; readonly body: RawBody; readonly contentType: string }
  | { readonly _tag: "Json"; readonly status: number; readonly data: object }

export interface AdminRoute {
  readonly id: OperationId
  readonly op: Operation
  readonly run: (request: RawRequest) => Effect.Effect<Reply, unknown>
}

/** An empty Struct accepts any object, so operations without a part refuse any field in it here. */
const noFields =
  (whole: string) =>
  (input: unknown): Result.Result<object, RequestError> => {
    if (typeof input !== "object" || input === null || Array.isArray(input)) {
      return Result.fail(new InvalidParameter({ field: whole, message: "expected an object" }))
    }
    const first = Object.keys(input)[0]
    return first === undefined
      ? Result.succeed({})
      : Result.fail(
          new InvalidParameter({
            field: formatFieldPath([first]),
            message: "unknown field (this operation takes none)"
          })
        )
  }

const decoder = (schema: Operation["body"], whole: string) =>
  schema === undefined ? noFields(whole) : decodeWith(schema, whole)

const decodeRequest = (op: Operation, raw: RawRequest) => {
  const params = op.params === undefined ? Result.succeed({}) : decodeWith(op.params, "(path)")(raw.params)
  const body = Result.flatMap(parseJsonBody(raw.bodyText), (json) =>
    decoder(op.body, "(body)")(json === undefined ? {} : json)
  )
  const query = Result.flatMap(queryRecord(raw.url), decoder(op.query, "(query)"))
  return Effect.fromResult(Result.all({ params, query, body }))
}

const route = <K extends OperationId>(id: K, handler: AdminHandler<K>): AdminRoute => {
  const op: Operation = AdminContract[id]
  const success = op.success
  return {
    id,
    op,
    run: (raw) =>
      Effect.flatMap(decodeRequest(op, raw), (decoded) =>
        Effect.map(
          handler({ ...decoded, url: raw.url } as AdminHandlerRequest<K>),
          (result): Reply =>
            success._tag === "Json"
              ? { _tag: "Json", status: success.status, data: result as object }
              : { _tag: "Raw", ...(result as { body: RawBody; contentType: string }) }
        )
      )
  }
}

/** Every operation of the contract, in its declared order, with its handler. */
export const adminRoutes = (handlers: AdminHandlers): ReadonlyArray<AdminRoute> =>
  operationIds.map((id) => route(id, handlers[id] as AdminHandler<typeof id>))
