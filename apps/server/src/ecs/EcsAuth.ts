// Authenticates an ECS API request the way the SDKs sign it: ACS3-HMAC-SHA256 in the Authorization header (the
// default of @alicloud/openapi-core) or RPC HMAC-SHA1 in the parameters (signatureAlgorithm "v2"). Keys are the
// account's AccessKey pairs or the STS keys the metadata service hands out, live on the virtual clock. Timestamps are
// checked against the wall clock (the SDK stamps requests with it), within 15 minutes, and a nonce is accepted once.
import {
  type AccessKey,
  AccessKeyNotFound,
  acs3CanonicalRequest,
  acs3Signature,
  acs3StringToSign,
  type EcsAuthError,
  type EcsCaller,
  EcsMissingParameter,
  findStsKey,
  IncompleteSignature,
  NonceUsed,
  parseAcs3Authorization,
  rpcSignature,
  rpcStringToSign,
  SecurityTokenExpired,
  SecurityTokenMismatch,
  SignatureMismatch,
  sameSignature,
  sha256Hex,
  TimestampRefused
} from "@aliyun-imds/core"
import { Effect } from "effect"
import type { CoreServices } from "../Services.ts"
import type { EcsHttpRequest } from "./EcsHttpRequest.ts"

/** How far a request's timestamp may be from the wall clock. */
export const timestampWindowMs = 15 * 60_000

/** Parameters of the RPC signature itself, not of the action. */
const rpcCommon = new Set([
  "AccessKeyId",
  "Signature",
  "SignatureMethod",
  "SignatureVersion",
  "SignatureNonce",
  "SignatureType",
  "Timestamp",
  "Format",
  "Version",
  "Action",
  "SecurityToken"
])

export interface Authenticated {
  readonly caller: EcsCaller
  /** The action's parameters, without the signature's own. */
  readonly params: Readonly<Record<string, string>>
}

interface Signed {
  readonly accessKeyId: string
  readonly securityToken: string | undefined
  readonly timestamp: string
  readonly nonce: string
  /** The signature the request carries, and what it must be for a secret. */
  readonly given: string
  readonly expected: (secret: string) => { readonly signature: string; readonly stringToSign: string }
}

const missing = (name: string) => Effect.fail(new EcsMissingParameter({ name }))

const acs3 = (
  request: EcsHttpRequest,
  authorization: string
): Effect.Effect<Signed, EcsAuthError | EcsMissingParameter> => {
  const parsed = parseAcs3Authorization(authorization)
  if (parsed === null) return Effect.fail(new IncompleteSignature({ reason: "Authorization is not ACS3-HMAC-SHA256" }))
  const timestamp = request.header("x-acs-date")
  const nonce = request.header("x-acs-signature-nonce")
  if (timestamp === undefined) return missing("x-acs-date")
  if (nonce === undefined) return missing("x-acs-signature-nonce")
  const canonical = acs3CanonicalRequest({
    method: request.method,
    path: request.path,
    query: request.query,
    signedHeaders: parsed.signedHeaders,
    header: request.header,
    payloadHash: sha256Hex(request.body)
  })
  const stringToSign = acs3StringToSign(canonical)
  return Effect.succeed({
    accessKeyId: parsed.accessKeyId,
    securityToken: request.header("x-acs-security-token"),
    timestamp,
    nonce,
    given: parsed.signature,
    expected: (secret) => ({ signature: acs3Signature(secret, stringToSign), stringToSign })
  })
}

const rpc = (
  request: EcsHttpRequest,
  params: Readonly<Record<string, string>>
): Effect.Effect<Signed, EcsAuthError | EcsMissingParameter> => {
  for (const name of ["AccessKeyId", "Timestamp", "SignatureNonce"])
    if (params[name] === undefined) return missing(name)
  if (params.SignatureMethod !== "HMAC-SHA1" || (params.SignatureVersion ?? "1.0") !== "1.0") {
    return Effect.fail(new IncompleteSignature({ reason: "SignatureMethod must be HMAC-SHA1, SignatureVersion 1.0" }))
  }
  const stringToSign = rpcStringToSign(request.method, params)
  return Effect.succeed({
    accessKeyId: params.AccessKeyId!,
    securityToken: params.SecurityToken,
    timestamp: params.Timestamp!,
    nonce: params.SignatureNonce!,
    given: params.Signature ?? "",
    expected: (secret) => ({ signature: rpcSignature(secret, stringToSign), stringToSign })
  })
}

const timestampPattern = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/

export const makeAuthenticator = (services: CoreServices, wallNow: () => number = Date.now) => {
  const { fleet, clock } = services
  /** Nonce → when it may be forgotten (wall ms), oldest first. */
  const nonces = new Map<string, number>()
  /** STS key → instance id, so a known key is found without deriving every role's credentials. */
  const stsHints = new Map<string, string>()

  const checkTimestamp = (value: string) => {
    const at = timestampPattern.test(value) ? Date.parse(value) : Number.NaN
    if (Number.isNaN(at)) return Effect.fail(new TimestampRefused({ value, malformed: true }))
    return Math.abs(wallNow() - at) > timestampWindowMs
      ? Effect.fail(new TimestampRefused({ value, malformed: false }))
      : Effect.void
  }

  const useNonce = (nonce: string) =>
    Effect.suspend(() => {
      const now = wallNow()
      for (const [seen, until] of nonces) {
        if (until > now) break
        nonces.delete(seen)
      }
      if (nonces.has(nonce)) return Effect.fail(new NonceUsed({ nonce }))
      nonces.set(nonce, now + 2 * timestampWindowMs)
      return Effect.void
    })

  /** The secret of the key and who it stands for. */
  const keyOf = (signed: Signed, keys: ReadonlyArray<AccessKey>) =>
    Effect.gen(function* () {
      const { accessKeyId, securityToken } = signed
      const account = keys.find((k) => k.accessKeyId === accessKeyId)
      if (account !== undefined)
        return { secret: account.accessKeySecret, caller: { kind: "account", accessKeyId } as const }
      if (!accessKeyId.startsWith("STS.")) return yield* new AccessKeyNotFound({ accessKeyId })
      const found = findStsKey(
        yield* fleet.list,
        fleet.credentialSecret,
        accessKeyId,
        clock.nowUnsafe(),
        stsHints.get(accessKeyId)
      )
      if (found._tag === "Unknown") return yield* new AccessKeyNotFound({ accessKeyId })
      if (stsHints.size > 1024) stsHints.clear()
      stsHints.set(accessKeyId, found.instanceId)
      if (securityToken === undefined || securityToken === "") {
        return yield* new SecurityTokenMismatch({ accessKeyId, missing: true })
      }
      if (found._tag === "Expired") {
        return yield* new SecurityTokenExpired({ accessKeyId, expiredAt: found.credential.expirationMs })
      }
      if (securityToken !== found.credential.securityToken) {
        return yield* new SecurityTokenMismatch({ accessKeyId, missing: false })
      }
      const caller: EcsCaller = { kind: "role", accessKeyId, instanceId: found.instanceId, roleName: found.roleName }
      return { secret: found.credential.accessKeySecret, caller }
    })

  return (request: EcsHttpRequest, params: Readonly<Record<string, string>>) =>
    Effect.gen(function* () {
      const authorization = request.header("authorization")
      const signed =
        authorization !== undefined
          ? yield* acs3(request, authorization)
          : params.Signature !== undefined
            ? yield* rpc(request, params)
            : yield* new IncompleteSignature({ reason: "the request is not signed" })
      const { account } = yield* fleet.config
      const { secret, caller } = yield* keyOf(signed, account.accessKeys)
      const expected = signed.expected(secret)
      if (!sameSignature(signed.given, expected.signature)) {
        return yield* new SignatureMismatch({ stringToSign: expected.stringToSign })
      }
      yield* checkTimestamp(signed.timestamp)
      yield* useNonce(signed.nonce)
      const own = Object.fromEntries(Object.entries(params).filter(([name]) => !rpcCommon.has(name)))
      return { caller, params: own } satisfies Authenticated
    })
}
