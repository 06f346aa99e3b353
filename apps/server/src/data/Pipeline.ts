// The metadata listener's request flow: source address → instance → endpoint switch → throttle / faults → route →
// access policy → exact render → journal + counters (design.md "Data plane"). It takes one MetadataRequest and gives
// one MetadataReply, whatever runtime carries them, synchronously on the hot path; the only awaits are injected
// latency, black holes, PKCS#7 signing and, when the attribution policy asks for it, a connection's first look-up of
// its calling process.
import {
  type CallerProcess,
  CounterEvents,
  decideUnsafe,
  type FaultOutcome,
  type InstanceState,
  identityDocument,
  type JournalMode,
  type ProcessMiss,
  refusalEvent,
  resolve,
  type TokenGetPolicy
} from "@aliyun-imds/core"
import { Effect } from "effect"
import { errorStatus } from "../ErrorStatus.ts"
import type { Logger } from "../Log.ts"
import type { AttributePolicy, DataPlaneBehaviour } from "../ServerOptions.ts"
import type { CoreServices } from "../Services.ts"
import type { Holds } from "./Holds.ts"
import type { MetadataReply, MetadataRequest, Peer, Pipeline } from "./MetadataRequest.ts"
import { dropConnection, healthReply, ok, refusal, statusOf, statusReply } from "./Reply.ts"
import { type RequestTarget, requestTarget } from "./RequestTarget.ts"

export interface PipelineDeps {
  readonly services: CoreServices
  readonly behaviour: DataPlaneBehaviour
  readonly log: Logger
  readonly holds: Holds
  /** Whose calling process to journal; default `normal`. */
  readonly attribute?: AttributePolicy
  /** GET on the token path when the fleet's wire block does not say. */
  readonly tokenGet?: TokenGetPolicy
}

/** What the journal needs of any request, bound to an instance or not. */
interface Seen {
  readonly request: MetadataRequest
  readonly method: string
  readonly target: RequestTarget
  readonly started: number
  /** Virtual time, read once per synchronous stretch (again after any wait). */
  readonly now: number
  readonly peer: Peer
  readonly instanceId: string | null
}

/** A request bound to an instance, between the stages after the lookup. */
interface Call extends Seen {
  readonly instanceId: string
  readonly state: InstanceState
  readonly mode: JournalMode
  /** The token header, null when absent. */
  readonly token: string | null
}

type Terminal = FaultOutcome["terminal"]

export const makePipeline = (deps: PipelineDeps): Pipeline => {
  const { behaviour, log, holds } = deps
  const { fleet, clock, tokens, counters, journal, throttle, faults, identity } = deps.services
  const debug = log.enabled("debug")
  // Normal-mode requests are attributed unless the policy is off, the others only when it is all (default normal).
  const attributeNone = deps.attribute === "off"
  const attributeAll = deps.attribute === "all"
  const tokenGet = deps.tokenGet ?? "405"

  /** Journals and counts a finished request with its calling process, once known, or the reason it has none. */
  const done = (
    seen: Seen,
    reply: MetadataReply,
    mode: JournalMode,
    reason: string | null
  ): MetadataReply | Promise<MetadataReply> => {
    if (mode === "normal" ? attributeNone : !attributeAll) return record(seen, reply, mode, reason, "off")
    const found = seen.request.caller?.() ?? "unsupported"
    if (found instanceof Promise) return found.then((caller) => record(seen, reply, mode, reason, caller))
    return record(seen, reply, mode, reason, found)
  }

  const record = (
    seen: Seen,
    reply: MetadataReply,
    mode: JournalMode,
    reason: string | null,
    found: CallerProcess | ProcessMiss
  ): MetadataReply => {
    const { request, target, instanceId } = seen
    const status = statusOf(reply)
    const miss = typeof found === "string" ? found : null
    const durationMs = performance.now() - seen.started
    const path = target.query === "" ? target.path : `${target.path}?${target.query}`
    journal.appendUnsafe({
      time: seen.now,
      instanceId,
      peerAddress: seen.peer.address,
      peerPort: seen.peer.port,
      method: seen.method,
      path,
      mode,
      status,
      userAgent: request.header("user-agent"),
      reason,
      durationMs,
      process: typeof found === "string" ? null : found,
      processMiss: miss
    })
    if (instanceId !== null) {
      counters.observeLatencyUnsafe(instanceId, durationMs / 1000)
      if (miss !== null) counters.recordUnsafe(instanceId, CounterEvents.processMissed[miss])
    }
    if (debug) {
      log.log("debug", "request", {
        method: seen.method,
        path,
        status,
        mode,
        instanceId,
        peer: seen.peer.address,
        reason,
        durationMs
      })
    }
    return reply
  }

  const handle = (request: MetadataRequest): MetadataReply | Promise<MetadataReply> => {
    const started = performance.now()
    const now = clock.nowUnsafe()
    const method = request.method
    const target = requestTarget(request.target)
    if (behaviour.healthPath !== null && target.path === behaviour.healthPath) return healthReply
    const peer = request.peer
    const state = fleet.resolvePeerUnsafe(peer.address)
    if (state === undefined) {
      const seen: Seen = { request, method, target, started, now, peer, instanceId: null }
      return done(seen, statusReply(errorStatus.UnboundPeer), "none", "UnboundPeer")
    }
    const token = request.header("x-aliyun-ecs-metadata-token")
    const mode: JournalMode = target.kind !== "metadata" ? "none" : token === null ? "normal" : "token"
    const instanceId = state.instance.instanceId
    return gate({ request, method, target, started, now, peer, instanceId, state, mode, token })
  }

  /** Endpoint switch, throttle and faults: everything before the access decision. */
  const gate = (call: Call): MetadataReply | Promise<MetadataReply> => {
    const { instanceId, state, target } = call
    if (state.instance.metadataOptions.HttpEndpoint === "disabled" && behaviour.disabledEndpoint !== "forbidden") {
      counters.recordUnsafe(instanceId, CounterEvents.endpointDisabled)
      if (behaviour.disabledEndpoint === "reset") return done(call, dropConnection, call.mode, "EndpointDisabled")
      return holdThenDrop(call, behaviour.blackholeMaxMs, "EndpointDisabled")
    }
    const allowed = throttle.checkUnsafe(instanceId, call.now)
    if (!allowed.allowed) {
      counters.recordUnsafe(instanceId, CounterEvents.throttled)
      const retryAfter = String(Math.max(1, Math.ceil(allowed.retryAfterMs / 1000)))
      const reply = statusReply(errorStatus.Throttled)
      return done(call, { ...reply, headers: ["retry-after", retryAfter] }, call.mode, "Throttled")
    }
    if (faults.table.list().length === 0) return afterLatency(call, null)
    const route = target.kind === "token" ? "token" : "metadata"
    const fault = faults.table.apply({ instanceId, route, method: call.method, path: target.path })
    if (fault.latencyMs > 0) return delayed(call, fault.latencyMs, fault.terminal)
    return afterLatency(call, fault.terminal)
  }

  /** Waits (ended early by the client leaving or the server stopping), then carries on at the new time. */
  const hold = async (call: Call, ms: number): Promise<Call> => {
    await holds.wait(ms, call.request.signal)
    return { ...call, now: clock.nowUnsafe() }
  }

  /** Injected latency; a client that gives up meanwhile gets nothing, and the journal says so (status 0). */
  const delayed = async (call: Call, ms: number, terminal: Terminal): Promise<MetadataReply> => {
    const after = await hold(call, ms)
    if (call.request.signal.aborted) return done(after, dropConnection, call.mode, "ClientClosed")
    return afterLatency(after, terminal)
  }

  const holdThenDrop = async (call: Call, ms: number, reason: string): Promise<MetadataReply> =>
    done(await hold(call, ms), dropConnection, call.mode, reason)

  /** A terminal fault, or the versioned token path's refusal, or on to the access decision. */
  const afterLatency = (call: Call, terminal: Terminal): MetadataReply | Promise<MetadataReply> => {
    if (terminal?.type === "status") {
      counters.recordUnsafe(call.instanceId, CounterEvents.otherError)
      const reply = statusReply(terminal.status)
      return done(
        call,
        terminal.body === undefined ? reply : { ...reply, body: terminal.body },
        call.mode,
        "FaultInjected"
      )
    }
    if (terminal?.type === "blackhole") return holdThenDrop(call, behaviour.blackholeMaxMs, "Fault:blackhole")
    if (terminal?.type === "reset") return done(call, dropConnection, call.mode, "Fault:reset")
    // A disabled endpoint refuses every path with 403, the versioned token path included (decided in `answer`).
    const enabled = call.state.instance.metadataOptions.HttpEndpoint === "enabled"
    if (enabled && call.target.kind === "versioned-token" && call.method === "PUT") {
      counters.recordUnsafe(call.instanceId, CounterEvents.otherError)
      return done(call, statusReply(behaviour.versionedTokenPut), call.mode, "VersionedTokenPath")
    }
    return answer(call)
  }

  /** Access policy, then the token or the rendered bytes. */
  const answer = (call: Call): MetadataReply | Promise<MetadataReply> => {
    const { request, instanceId, state, target, now } = call
    const isToken = target.kind === "token"
    const access = {
      method: call.method,
      route: isToken ? ("token" as const) : ("metadata" as const),
      // Only the token route reads these two, so a read skips their lookups.
      ttlHeader: isToken ? request.header("x-aliyun-ecs-metadata-token-ttl-seconds") : null,
      tokenHeader: call.token,
      forwardedFor: isToken ? request.header("x-forwarded-for") : null,
      tokenGet: isToken ? (fleet.wireUnsafe().tokenGet ?? tokenGet) : tokenGet
    }
    const decision = decideUnsafe(access, state.instance, tokens.signer, now)
    if (decision._tag === "Failure") {
      counters.recordUnsafe(instanceId, refusalEvent[decision.failure._tag])
      return done(call, refusal(decision.failure), call.mode, decision.failure._tag)
    }
    const granted = decision.success
    if (granted._tag === "IssueToken") {
      const issued = tokens.signer.issueUnsafe(instanceId, granted.ttlSeconds, now)
      counters.recordUnsafe(instanceId, CounterEvents.tokenIssued)
      return done(call, ok(issued.token), "none", null)
    }
    const query = target.query === "" ? null : new URLSearchParams(target.query)
    const ctx = { now, wire: fleet.wireUnsafe(), credentialSecret: fleet.credentialSecret }
    const resolved = resolve(state, target.path, query, ctx)
    if (resolved._tag === "NotFound") {
      counters.recordUnsafe(instanceId, CounterEvents.notFound)
      return done(call, statusReply(errorStatus.PathNotFound), granted.mode, "PathNotFound")
    }
    counters.recordUnsafe(instanceId, granted.mode === "normal" ? CounterEvents.normalOk : CounterEvents.tokenOk)
    if (resolved._tag === "Body") return done(call, ok(resolved.body), granted.mode, null)
    const signed = Effect.runPromise(identity.sign(identityDocument(state.instance), resolved.audience))
    return signed.then((body) => done({ ...call, now: clock.nowUnsafe() }, ok(body), granted.mode, null))
  }

  return { handle, contentType: () => fleet.wireUnsafe().contentType, serverHeader: behaviour.serverHeader }
}
