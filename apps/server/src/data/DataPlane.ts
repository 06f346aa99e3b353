// The metadata listener: source address → instance → endpoint switch → throttle / faults → route → access policy →
// exact render → journal + counters (design.md "Data plane"). Synchronous core calls on the hot path; the only
// awaits are injected latency, black holes and PKCS#7 signing.
import {
  type AccessError,
  CounterEvents,
  decideSync,
  type InstanceState,
  identityDocument,
  type JournalMode,
  refusalEvent,
  resolve,
  UnboundPeer
} from "@aliyun-imds/core"
import { Effect } from "effect"
import type { Context } from "hono"
import { Hono } from "hono"
import { errorStatus, textFor } from "../ErrorStatus.ts"
import type { Logger } from "../Log.ts"
import type { Platform } from "../platform/Platform.ts"
import type { DataPlaneBehaviour } from "../ServerOptions.ts"
import type { CoreServices } from "../Services.ts"
import type { Holds } from "./Holds.ts"
import { type RequestTarget, requestTarget } from "./RequestTarget.ts"

export interface DataPlaneDeps {
  readonly services: CoreServices
  readonly behaviour: DataPlaneBehaviour
  readonly platform: Platform
  readonly log: Logger
  readonly holds: Holds
}

/** What happened to one request, for the journal, the counters and the debug log. */
interface Outcome {
  readonly status: number
  readonly mode: JournalMode
  readonly reason: string | null
}

const utf8 = new TextEncoder()

const header = (c: Context, name: string): string | null => c.req.raw.headers.get(name)

export const makeDataApp = (deps: DataPlaneDeps): Hono => {
  const { services, behaviour, platform, log, holds } = deps
  const { fleet, clock, tokens, counters, journal, throttle, faults, identity } = services

  const text = (status: number, body: string | Uint8Array, method: string, extra?: Record<string, string>) => {
    const headers: Record<string, string> = { "content-type": fleet.wireUnsafe().contentType, ...extra }
    if (behaviour.serverHeader !== null) headers.server = behaviour.serverHeader
    if (method !== "HEAD") return new Response(body as BodyInit, { status, headers })
    // HEAD announces the length the GET would send, with no body.
    headers["content-length"] = String(typeof body === "string" ? utf8.encode(body).length : body.length)
    return new Response(null, { status, headers })
  }

  const refuse = (error: AccessError, method: string): Response => {
    const status = errorStatus[error._tag]
    const extra = error._tag === "MethodNotAllowed" ? { allow: error.allow.join(", ") } : undefined
    return text(status, textFor(status), method, extra)
  }

  const record = (c: Context, target: RequestTarget, state: InstanceState | undefined, started: number, o: Outcome) => {
    const peer = platform.peer(c)
    const durationMs = performance.now() - started
    const instanceId = state?.instance.instanceId ?? null
    journal.appendUnsafe({
      time: clock.nowUnsafe(),
      instanceId,
      peerAddress: peer.address,
      peerPort: peer.port,
      method: c.req.method,
      path: target.query === "" ? target.path : `${target.path}?${target.query}`,
      mode: o.mode,
      status: o.status,
      userAgent: header(c, "user-agent"),
      reason: o.reason,
      durationMs
    })
    if (instanceId !== null) counters.observeLatencyUnsafe(instanceId, durationMs / 1000)
    if (log.enabled("debug")) log.log("debug", "request", { instanceId, method: c.req.method, ...o, durationMs })
  }

  const handle = async (c: Context): Promise<Response> => {
    const started = performance.now()
    const method = c.req.method
    const target = requestTarget(c.req.url)
    if (behaviour.healthPath !== null && target.path === behaviour.healthPath) return c.json({ status: "ok" })
    const state = fleet.resolvePeerUnsafe(platform.peer(c).address)
    if (state === undefined) {
      const response = refuse(new UnboundPeer({ address: platform.peer(c).address }), method)
      record(c, target, state, started, { status: 403, mode: "none", reason: "UnboundPeer" })
      return response
    }
    const instanceId = state.instance.instanceId
    const done = (response: Response, mode: JournalMode, reason: string | null) => {
      record(c, target, state, started, { status: response.status, mode, reason })
      return response
    }
    const fail = (error: AccessError, mode: JournalMode) => {
      counters.recordUnsafe(instanceId, refusalEvent[error._tag])
      return done(refuse(error, method), mode, error._tag)
    }
    const tokenHeader = header(c, "x-aliyun-ecs-metadata-token")
    const mode: JournalMode = target.kind !== "metadata" ? "none" : tokenHeader === null ? "normal" : "token"

    if (state.instance.metadataOptions.HttpEndpoint === "disabled" && behaviour.disabledEndpoint !== "forbidden") {
      counters.recordUnsafe(instanceId, CounterEvents.endpointDisabled)
      if (behaviour.disabledEndpoint === "blackhole") await holds.wait(behaviour.blackholeMaxMs, c.req.raw.signal)
      record(c, target, state, started, { status: 0, mode, reason: "EndpointDisabled" })
      return platform.reset(c)
    }
    const allowed = throttle.checkUnsafe(instanceId, clock.nowUnsafe())
    if (!allowed.allowed) {
      counters.recordUnsafe(instanceId, CounterEvents.throttled)
      const retryAfter = String(Math.max(1, Math.ceil(allowed.retryAfterMs / 1000)))
      return done(text(429, textFor(429), method, { "retry-after": retryAfter }), mode, "Throttled")
    }
    const route = target.kind === "token" ? "token" : "metadata"
    const fault = faults.table.apply({ instanceId, route, method, path: target.path })
    if (fault.latencyMs > 0) await holds.wait(fault.latencyMs, c.req.raw.signal)
    if (fault.terminal !== null) {
      const action = fault.terminal
      if (action.type === "status") {
        counters.recordUnsafe(instanceId, CounterEvents.otherError)
        return done(text(action.status, action.body ?? textFor(action.status), method), mode, "FaultInjected")
      }
      if (action.type === "blackhole") await holds.wait(behaviour.blackholeMaxMs, c.req.raw.signal)
      record(c, target, state, started, { status: 0, mode, reason: `Fault:${action.type}` })
      return platform.reset(c)
    }
    if (target.kind === "versioned-token" && method === "PUT") {
      const status = behaviour.versionedTokenPut
      counters.recordUnsafe(instanceId, CounterEvents.otherError)
      return done(text(status, textFor(status), method), mode, "VersionedTokenPath")
    }

    const now = clock.nowUnsafe()
    const decision = decideSync(
      {
        method,
        route,
        ttlHeader: header(c, "x-aliyun-ecs-metadata-token-ttl-seconds"),
        tokenHeader,
        forwardedFor: header(c, "x-forwarded-for")
      },
      state.instance,
      tokens.signer,
      now
    )
    if (decision._tag === "Failure") return fail(decision.failure, mode)
    const ok = decision.success
    if (ok._tag === "IssueToken") {
      const issued = tokens.signer.issueSync(instanceId, ok.ttlSeconds, now)
      counters.recordUnsafe(instanceId, CounterEvents.tokenIssued)
      return done(text(200, issued.token, method), "none", null)
    }
    const query = target.query === "" ? null : new URLSearchParams(target.query)
    const ctx = { now, wire: fleet.wireUnsafe(), credentialSecret: fleet.credentialSecret }
    const resolved = resolve(state, target.path, query, ctx)
    if (resolved._tag === "NotFound") {
      counters.recordUnsafe(instanceId, CounterEvents.notFound)
      return done(text(404, textFor(404), method), ok.mode, "PathNotFound")
    }
    counters.recordUnsafe(instanceId, ok.mode === "normal" ? CounterEvents.normalOk : CounterEvents.tokenOk)
    const body =
      resolved._tag === "Body"
        ? resolved.body
        : await Effect.runPromise(identity.sign(identityDocument(state.instance), resolved.audience))
    return done(text(200, body, method), ok.mode, null)
  }

  return new Hono().all("*", handle)
}
