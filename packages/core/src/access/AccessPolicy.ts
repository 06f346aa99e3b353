// One decision per data-plane request (spec §10, design "Status codes"): endpoint switch, then the token PUT or the
// metadata read with its token and HttpTokens checks, in a fixed order so each refusal maps to one status.
import { Effect, Result } from "effect"
import {
  type AccessError,
  EndpointDisabled,
  ForwardedTokenRequest,
  MethodNotAllowed,
  TokenRequired
} from "../Errors.ts"
import type { Instance } from "../fleet/Instance.ts"
import { parseTtlResult, type TokenSigner, Tokens, type VerifiedToken } from "../token/Token.ts"

export interface AccessRequest {
  /** Upper-case HTTP method. */
  readonly method: string
  /** The server decides which: PUT/GET `/latest/api/token` is "token", everything else "metadata". */
  readonly route: "token" | "metadata"
  /** `X-aliyun-ecs-metadata-token-ttl-seconds` */
  readonly ttlHeader: string | null
  /** `X-aliyun-ecs-metadata-token` */
  readonly tokenHeader: string | null
  /** `X-Forwarded-For` */
  readonly forwardedFor: string | null
  /**
   * What a GET on the token path does (spec §17: unknown, 405 suggested): "405" (the default) refuses it; "issue"
   * issues a token exactly as a PUT would — for clients of the `@alicloud/credentials` 2.3.1 era, which ask with GET.
   */
  readonly tokenGet?: TokenGetPolicy
}

export const tokenGetPolicies = ["405", "issue"] as const
export type TokenGetPolicy = (typeof tokenGetPolicies)[number]

export type Decision =
  | { readonly _tag: "IssueToken"; readonly ttlSeconds: number }
  | { readonly _tag: "Read"; readonly mode: "normal" }
  | { readonly _tag: "Read"; readonly mode: "token"; readonly token: VerifiedToken }

/** The instance the request was bound to, as far as access is concerned (an `Instance` fits as is). */
export type AccessSubject = Pick<Instance, "instanceId" | "metadataOptions">

const tokenMethods: ReadonlyArray<string> = ["PUT"]
const tokenMethodsWithGet: ReadonlyArray<string> = ["PUT", "GET"]
const readMethods: ReadonlyArray<string> = ["GET", "HEAD"]
const readNormal: Result.Result<Decision, AccessError> = Result.succeed({ _tag: "Read", mode: "normal" })

/** Every check that needs no token verification; a token header to verify is handed back as a string. */
const precheck = (request: AccessRequest, subject: AccessSubject): Result.Result<Decision, AccessError> | string => {
  if (subject.metadataOptions.HttpEndpoint === "disabled") {
    return Result.fail(new EndpointDisabled({ instanceId: subject.instanceId }))
  }
  return request.route === "token" ? tokenRoute(request) : metadataRoute(request, subject)
}

/** The PUT is open in both HttpTokens modes; a proxied PUT is refused before its TTL is even read. A GET, when
 * `tokenGet` is "issue", follows exactly the same rules. */
const tokenRoute = (request: AccessRequest): Result.Result<Decision, AccessError> => {
  const allow = request.tokenGet === "issue" ? tokenMethodsWithGet : tokenMethods
  if (!allow.includes(request.method)) {
    return Result.fail(new MethodNotAllowed({ method: request.method, allow }))
  }
  if (request.forwardedFor !== null) {
    return Result.fail(new ForwardedTokenRequest({ forwardedFor: request.forwardedFor }))
  }
  return Result.map(parseTtlResult(request.ttlHeader), (ttlSeconds) => ({ _tag: "IssueToken", ttlSeconds }))
}

/** A token that is sent is always checked, even when HttpTokens=optional would have served the request without. */
const metadataRoute = (
  request: AccessRequest,
  subject: AccessSubject
): Result.Result<Decision, AccessError> | string => {
  if (!readMethods.includes(request.method)) {
    return Result.fail(new MethodNotAllowed({ method: request.method, allow: readMethods }))
  }
  if (request.tokenHeader !== null) return request.tokenHeader
  if (subject.metadataOptions.HttpTokens === "required") {
    return Result.fail(new TokenRequired({ instanceId: subject.instanceId }))
  }
  return readNormal
}

const readWithToken = (token: VerifiedToken): Decision => ({ _tag: "Read", mode: "token", token })

/** Hot-path form: the caller passes the signer and the current virtual time. */
export const decideUnsafe = (
  request: AccessRequest,
  subject: AccessSubject,
  signer: TokenSigner,
  now: number
): Result.Result<Decision, AccessError> => {
  const step = precheck(request, subject)
  if (typeof step !== "string") return step
  return Result.map(signer.verifyUnsafe(step, subject.instanceId, now), readWithToken)
}

export const decide = (request: AccessRequest, subject: AccessSubject): Effect.Effect<Decision, AccessError, Tokens> =>
  Effect.suspend(() => {
    const step = precheck(request, subject)
    if (typeof step !== "string") return Effect.fromResult(step)
    return Effect.map(
      Tokens.use((tokens) => tokens.verify(step, subject.instanceId)),
      readWithToken
    )
  })
