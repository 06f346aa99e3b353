// A typed client of the emulator's admin API, derived from its contract (@aliyun-imds/admin-api): `call(operationId,
// input)` builds the request from the operation's method and path, and decodes the answer with the operation's own
// Schema. Failures are tagged errors carrying the HTTP status and the ECS error code.
import {
  AdminContract,
  type AdminInput,
  type AdminOutput,
  ErrorBody,
  fillPath,
  type Operation,
  type OperationId
} from "@aliyun-imds/admin-api"
import { Effect, Option, Schema } from "effect"
import { type HttpClient, HttpClientRequest } from "effect/http"

/** The admin listener could not be reached (refused, reset, DNS, timeout). */
export class AdminUnreachable extends Schema.TaggedError<AdminUnreachable>()("AdminUnreachable", {
  url: Schema.String,
  detail: Schema.String
}) {}

/** The admin API answered with an error status; `code` and `detail` come from its ECS-style error body. */
export class AdminRequestFailed extends Schema.TaggedError<AdminRequestFailed>()("AdminRequestFailed", {
  operation: Schema.String,
  status: Schema.Int,
  code: Schema.String,
  detail: Schema.String
}) {}

/** A 2xx answer whose body is not what the API documents (a different program on that port?). */
export class AdminInvalidResponse extends Schema.TaggedError<AdminInvalidResponse>()("AdminInvalidResponse", {
  url: Schema.String,
  detail: Schema.String
}) {}

export type AdminError = AdminUnreachable | AdminRequestFailed | AdminInvalidResponse

export interface AdminTarget {
  /** Base URL of the admin listener, e.g. `http://127.0.0.1:8101`. */
  readonly url: string
  /** Bearer token, when the server was started with `--admin-token`. */
  readonly token?: string | undefined
}

/** The input argument: optional when the operation needs nothing, required otherwise. */
export type AdminArgs<K extends OperationId> =
  {} extends AdminInput<K> ? [input?: AdminInput<K>] : [input: AdminInput<K>]

export interface AdminClient {
  readonly url: string
  readonly call: <K extends OperationId>(id: K, ...input: AdminArgs<K>) => Effect.Effect<AdminOutput<K>, AdminError>
}

interface LooseInput {
  readonly params?: Readonly<Record<string, string>>
  readonly query?: Readonly<Record<string, string | undefined>>
  readonly body?: unknown
}

const decodeError = Schema.decodeUnknownOption(
  Schema.fromJsonString(ErrorBody.mapFields(({ RequestId: _, ...f }) => f))
)

const transportDetail = (error: unknown): string => {
  const cause = (error as { reason?: { cause?: { message?: string; cause?: { code?: string } } } }).reason?.cause
  return cause?.cause?.code ?? cause?.message ?? String(error)
}

/** Decodes a success body with the operation's Schema plus `RequestId` (then left out), or hands raw text back. */
const successDecoder = (op: Operation): ((text: string) => Effect.Effect<unknown, Schema.SchemaError>) => {
  if (op.success._tag === "Raw") return Effect.succeed
  const schema = Schema.fromJsonString(Schema.Struct({ RequestId: Schema.String, ...op.success.schema.fields }))
  return (text: string) => Effect.map(Schema.decodeUnknownEffect(schema)(text), ({ RequestId: _, ...body }) => body)
}

const request = (op: Operation, url: string, input: LooseInput, token: string | undefined) => {
  let req = HttpClientRequest.make(op.method)(`${url}${fillPath(op.path, input.params ?? {})}`, { acceptJson: true })
  const query = Object.entries(input.query ?? {}).filter((e): e is [string, string] => e[1] !== undefined)
  if (query.length > 0) req = HttpClientRequest.setUrlParams(req, query)
  if (input.body !== undefined) req = HttpClientRequest.bodyJsonUnsafe(req, input.body)
  return token === undefined ? req : HttpClientRequest.bearerToken(req, token)
}

export const makeAdminClient = (http: HttpClient.HttpClient, target: AdminTarget): AdminClient => {
  const url = target.url.replace(/\/+$/, "")
  const unreachable = (e: unknown) => new AdminUnreachable({ url, detail: transportDetail(e) })
  const call = (id: OperationId, input: LooseInput = {}): Effect.Effect<unknown, AdminError> =>
    Effect.gen(function* () {
      const op: Operation = AdminContract[id]
      const req = request(op, url, input, target.token)
      const response = yield* Effect.mapError(http.execute(req), unreachable)
      const text = yield* Effect.mapError(response.text, unreachable)
      if (response.status >= 300) {
        const body = Option.getOrUndefined(decodeError(text))
        return yield* new AdminRequestFailed({
          operation: id,
          status: response.status,
          code: body?.Code ?? `HTTP ${response.status}`,
          detail: body?.Message ?? (text.slice(0, 200) || `HTTP ${response.status}`)
        })
      }
      return yield* successDecoder(op)(text).pipe(
        Effect.mapError(
          (e) =>
            new AdminInvalidResponse({
              url: req.url,
              detail: `not an aliyun-imds admin answer (${e.message.split("\n")[0]})`
            })
        )
      )
    })
  return { url, call: call as AdminClient["call"] }
}
