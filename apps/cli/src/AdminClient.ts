// A small typed client of the emulator's admin API (apps/server/src/admin): one method per operation, responses
// decoded with the server's own Schemas (loaded on first use: they pull in the core), failures as tagged errors
// carrying the HTTP status and the ECS error code.
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
  readonly token: Option.Option<string>
}

type Api = typeof import("@aliyun-imds/server/admin/schemas")
type Op<A> = Effect.Effect<A, AdminError>
type T<K extends keyof Api> = Api[K] extends Schema.Top ? Api[K]["Type"] : never

const api = Effect.promise(() => import("@aliyun-imds/server/admin/schemas"))
type Method = "GET" | "POST" | "PUT" | "DELETE"
interface Call {
  readonly body?: unknown
  readonly query?: Readonly<Record<string, string | undefined>>
}

const seg = encodeURIComponent
const inst = (id: string) => `/v1/instances/${seg(id)}`

const ErrorBody = Schema.Struct({ Code: Schema.String, Message: Schema.String })
const decodeError = Schema.decodeUnknownOption(Schema.fromJsonString(ErrorBody))

const transportDetail = (error: unknown): string => {
  const cause = (error as { reason?: { cause?: { message?: string; cause?: { code?: string } } } }).reason?.cause
  return cause?.cause?.code ?? cause?.message ?? String(error)
}

export const makeAdminApi = (http: HttpClient.HttpClient, target: AdminTarget) => {
  const base = target.url.replace(/\/+$/, "")
  const unreachable = (e: unknown) => new AdminUnreachable({ url: base, detail: transportDetail(e) })
  /** One exchange: the body text of a 2xx answer, or the API's error as AdminRequestFailed. */
  const send = (method: Method, path: string, options: Call = {}): Op<string> =>
    Effect.gen(function* () {
      let request = HttpClientRequest.make(method)(`${base}${path}`, { acceptJson: true })
      const query = Object.entries(options.query ?? {}).filter((e): e is [string, string] => e[1] !== undefined)
      if (query.length > 0) request = HttpClientRequest.setUrlParams(request, query)
      if (options.body !== undefined) request = HttpClientRequest.bodyJsonUnsafe(request, options.body)
      if (Option.isSome(target.token)) request = HttpClientRequest.bearerToken(request, target.token.value)
      const response = yield* Effect.mapError(http.execute(request), unreachable)
      const text = yield* Effect.mapError(response.text, unreachable)
      if (response.status < 300) return text
      const body = Option.getOrUndefined(decodeError(text))
      return yield* new AdminRequestFailed({
        operation: `${method} ${path}`,
        status: response.status,
        code: body?.Code ?? `HTTP ${response.status}`,
        detail: body?.Message ?? (text.slice(0, 200) || `HTTP ${response.status}`)
      })
    })
  /** A JSON operation, its answer decoded with the server's Schema for it. */
  const call = <S extends Schema.Top & { readonly DecodingServices: never }>(
    pick: (api: Api) => S,
    method: Method,
    path: string,
    options: Call = {}
  ): Op<S["Type"]> =>
    Effect.gen(function* () {
      const schema = pick(yield* api)
      const text = yield* send(method, path, options)
      return yield* Schema.decodeUnknownEffect(Schema.fromJsonString(schema))(text).pipe(
        Effect.mapError(
          (e) =>
            new AdminInvalidResponse({
              url: `${base}${path}`,
              detail: `not an aliyun-imds admin answer (${e.message.split("\n")[0]})`
            })
        )
      )
    })
  const clock = (action: string) => call((a) => a.ClockView, "POST", `/v1/clock/${action}`)
  return {
    url: base,
    info: call((a) => a.Info, "GET", "/v1/info"),
    listInstances: call((a) => a.InstanceList, "GET", "/v1/instances"),
    describeInstance: (id: string) => call((a) => a.InstanceDetail, "GET", inst(id)),
    addInstance: (body: T<"AddInstanceRequest">) => call((a) => a.InstanceDetail, "POST", "/v1/instances", { body }),
    removeInstance: (id: string) => call((a) => a.RemovedInstance, "DELETE", inst(id)),
    metadataOptions: (id: Option.Option<string>) =>
      Option.isSome(id)
        ? Effect.map(
            call((a) => a.MetadataOptionsView, "GET", `${inst(id.value)}/metadata-options`),
            (one) => [one]
          )
        : Effect.map(
            call((a) => a.MetadataOptionsList, "GET", "/v1/metadata-options"),
            (all) => all.MetadataOptions
          ),
    modifyMetadataOptions: (body: T<"ModifyFleetMetadataOptionsRequestBody">) =>
      Effect.map(
        call((a) => a.MetadataOptionsList, "POST", "/v1/metadata-options", { body }),
        (r) => r.MetadataOptions
      ),
    setMetadata: (id: string, path: string, value: string) =>
      call((a) => a.MetadataItem, "PUT", `${inst(id)}/metadata/${path.split("/").map(seg).join("/")}`, {
        body: { value }
      }),
    attachRole: (id: string, body: T<"AttachRoleRequest">) =>
      call((a) => a.RoleWithCredential, "POST", `${inst(id)}/role`, { body }),
    detachRole: (id: string) => call((a) => a.RoleStatus, "DELETE", `${inst(id)}/role`),
    rotateRole: (id: string) => call((a) => a.RoleWithCredential, "POST", `${inst(id)}/role/rotate`),
    clock: {
      show: call((a) => a.ClockView, "GET", "/v1/clock"),
      advance: (by: string) => call((a) => a.ClockView, "POST", "/v1/clock/advance", { body: { by } }),
      set: (to: string) => call((a) => a.ClockView, "POST", "/v1/clock/set", { body: { to } }),
      freeze: clock("freeze"),
      resume: clock("resume"),
      reset: clock("reset")
    },
    scheduleSpot: (id: string, body: { readonly at?: string; readonly in?: string }) =>
      call((a) => a.SpotStatus, "POST", `${inst(id)}/spot`, { body }),
    cancelSpot: (id: string) => call((a) => a.SpotStatus, "DELETE", `${inst(id)}/spot`),
    listEvents: (id: string) => call((a) => a.EventList, "GET", `${inst(id)}/events`),
    addEvent: (id: string, body: T<"AddEventRequest">) =>
      call((a) => a.EventAdded, "POST", `${inst(id)}/events`, { body }),
    clearEvents: (id: string) => call((a) => a.EventList, "DELETE", `${inst(id)}/events`),
    listThrottle: call((a) => a.ThrottleRules, "GET", "/v1/throttle"),
    setThrottle: (body: T<"SetThrottleRequest">) => call((a) => a.ThrottleRules, "PUT", "/v1/throttle", { body }),
    clearThrottle: (target: string | undefined) =>
      call((a) => a.ThrottleRules, "DELETE", "/v1/throttle", { query: { target } }),
    listFaults: call((a) => a.FaultRuleList, "GET", "/v1/faults"),
    addFault: (body: T<"AddFaultRequest">) => call((a) => a.FaultRuleResponse, "POST", "/v1/faults", { body }),
    removeFault: (id: string) => call((a) => a.FaultRuleResponse, "DELETE", `/v1/faults/${seg(id)}`),
    clearFaults: call((a) => a.FaultsRemoved, "DELETE", "/v1/faults"),
    counters: (instance: string | undefined) =>
      call((a) => a.CountersResponse, "GET", "/v1/counters", { query: { instance } }),
    journal: (query: Readonly<Record<string, string | undefined>>) =>
      call((a) => a.JournalResponse, "GET", "/v1/journal", { query }),
    revokeTokens: call((a) => a.Done, "POST", "/v1/tokens/revoke"),
    reload: call((a) => a.FleetStatus, "POST", "/v1/reload"),
    reset: (all: boolean) => call((a) => a.FleetStatus, "POST", "/v1/reset", { body: all ? { all } : {} }),
    certificate: send("GET", "/v1/identity/certificate")
  }
}

export type AdminApi = ReturnType<typeof makeAdminApi>
