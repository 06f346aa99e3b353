// The access policy against a reference model written here from the spec's status table (spec §10.1 and §10.2's
// defaults, design.md "Status codes"), for any request: any method, either route, any TTL text, no token or a token in
// any state, with or without X-Forwarded-For, in every HttpTokens × HttpEndpoint mode, at any instant.

import { checkProperty } from "@aliyun-imds/vitest-config/property"
import { assert, describe, it } from "@effect/vitest"
import { Result } from "effect"
import fc from "fast-check"
import { type AccessRequest, type AccessSubject, decideUnsafe } from "../src/access/AccessPolicy.ts"
import { TokenSigner } from "../src/token/Token.ts"

// --- the model ------------------------------------------------------------------------------------------------------

/** What the model knows of the token a request carries: how it was made, not what it looks like. */
type TokenState =
  | { readonly kind: "none" }
  | { readonly kind: "issued"; readonly to: "self" | "other"; readonly expiresAt: number }
  /** Anything this service did not issue as it is: edited tokens, random text, the empty string. */
  | { readonly kind: "forged" }

interface World {
  readonly method: string
  readonly route: "token" | "metadata"
  readonly ttl: string | null
  readonly token: TokenState
  readonly forwardedFor: string | null
  readonly httpTokens: "optional" | "required"
  readonly httpEndpoint: "enabled" | "disabled"
  readonly now: number
}

/** Spec rows, by the status they answer and the rule that answers it; 200s say what they grant. */
type Outcome =
  | { readonly status: 200; readonly grant: "token"; readonly ttl: number }
  | { readonly status: 200; readonly grant: "read"; readonly mode: "normal" | "token" }
  | { readonly status: 400 | 401 | 403 | 405; readonly rule: string }

const model = (w: World): Outcome => {
  // §10.2: a disabled endpoint refuses everything with 403.
  if (w.httpEndpoint === "disabled") return { status: 403, rule: "endpoint disabled" }
  if (w.route === "token") {
    // The token path takes PUT only; the PUT works in both HttpTokens modes (§10.1, cloud-init depends on it).
    if (w.method !== "PUT") return { status: 405, rule: "method" }
    // X-Forwarded-For on the PUT is 403, before the TTL is looked at.
    if (w.forwardedFor !== null) return { status: 403, rule: "proxied token request" }
    // TTL missing, not plain digits, or out of 1..21600 is 400.
    const ttl = w.ttl !== null && /^[0-9]+$/.test(w.ttl) ? Number(w.ttl) : Number.NaN
    if (!(ttl >= 1 && ttl <= 21_600)) return { status: 400, rule: "ttl" }
    return { status: 200, grant: "token", ttl }
  }
  if (w.method !== "GET" && w.method !== "HEAD") return { status: 405, rule: "method" }
  // A token that is sent is checked, in optional mode too: invalid, expired or another instance's is 401.
  if (w.token.kind === "forged") return { status: 401, rule: "bad token" }
  if (w.token.kind === "issued") {
    if (w.now >= w.token.expiresAt) return { status: 401, rule: "expired token" }
    // Valid only inside its life: issued (expiry − the 60 s TTL minted below) at or before now.
    if (w.now < w.token.expiresAt - 60_000) return { status: 401, rule: "token from the future" }
    if (w.token.to === "other") return { status: 401, rule: "foreign token" }
    return { status: 200, grant: "read", mode: "token" }
  }
  // No token: 403 when HttpTokens=required, a normal-mode read otherwise.
  if (w.httpTokens === "required") return { status: 403, rule: "token required" }
  return { status: 200, grant: "read", mode: "normal" }
}

// --- the code under test, seen through the model's eyes ---------------------------------------------------------------

/** The core's refusals each model rule may show up as. */
const refusalsOf: Readonly<Record<string, ReadonlyArray<string>>> = {
  "endpoint disabled": ["EndpointDisabled"],
  method: ["MethodNotAllowed"],
  "proxied token request": ["ForwardedTokenRequest"],
  ttl: ["InvalidTtl"],
  "bad token": ["TokenMalformed", "TokenBadMac"],
  "expired token": ["TokenExpired"],
  "token from the future": ["TokenNotYetValid"],
  "foreign token": ["TokenForeignInstance"],
  "token required": ["TokenRequired"]
}

const self = "i-self0001"
const other = "i-other002"
const secret = new Uint8Array(32).fill(7)

/** Runs the policy on the world; the token, when one is carried, is minted (or forged) here for real. */
const decideFor = (w: World, forgery: string, signer: TokenSigner): Result.Result<Outcome, string> => {
  let tokenHeader: string | null = null
  if (w.token.kind === "issued") {
    const ttlMs = 60_000
    const issuedAt = w.token.expiresAt - ttlMs
    tokenHeader = signer.issueUnsafe(w.token.to === "self" ? self : other, ttlMs / 1000, issuedAt).token
  } else if (w.token.kind === "forged") tokenHeader = forgery
  const request: AccessRequest = {
    method: w.method,
    route: w.route,
    ttlHeader: w.ttl,
    tokenHeader,
    forwardedFor: w.forwardedFor
  }
  const subject: AccessSubject = {
    instanceId: self,
    metadataOptions: { HttpEndpoint: w.httpEndpoint, HttpTokens: w.httpTokens, InstanceMetadataTags: "disabled" }
  }
  const decision = decideUnsafe(request, subject, signer, w.now)
  if (Result.isFailure(decision)) return Result.fail(decision.failure._tag)
  const d = decision.success
  return Result.succeed(
    d._tag === "IssueToken"
      ? { status: 200, grant: "token", ttl: d.ttlSeconds }
      : { status: 200, grant: "read", mode: d.mode }
  )
}

// --- arbitraries ------------------------------------------------------------------------------------------------------

const now = fc.integer({ min: 0, max: 2_000_000_000_000 })

const world = now.chain((at) =>
  fc.record({
    method: fc.oneof(
      { weight: 4, arbitrary: fc.constantFrom("GET", "HEAD", "PUT") },
      { weight: 1, arbitrary: fc.constantFrom("POST", "DELETE", "PATCH", "OPTIONS", "get", "Put", "") }
    ),
    route: fc.constantFrom("token" as const, "metadata" as const),
    ttl: fc.option(
      fc.oneof(
        { weight: 3, arbitrary: fc.integer({ min: -2, max: 21_602 }).map(String) },
        fc.constantFrom("", " 60", "60 ", "+60", "6e1", "60.0", "0x3c", "021600", "00", "99999999999999999999"),
        fc.string({ maxLength: 6 })
      ),
      { nil: null, freq: 8 }
    ),
    token: fc.oneof(
      fc.constant<TokenState>({ kind: "none" }),
      fc.constant<TokenState>({ kind: "forged" }),
      fc.record({
        kind: fc.constant("issued" as const),
        to: fc.constantFrom("self" as const, "other" as const),
        // Around the request's instant: expiry just before, at, or after it (so issued before it, or after).
        expiresAt: fc.oneof(fc.constant(at), fc.integer({ min: at - 120_000, max: at + 120_000 }))
      })
    ),
    forwardedFor: fc.option(fc.constantFrom("10.0.0.1", "", "127.0.0.1, 10.0.0.2", "unknown"), { nil: null, freq: 3 }),
    httpTokens: fc.constantFrom("optional" as const, "required" as const),
    httpEndpoint: fc.constantFrom("enabled" as const, "enabled" as const, "disabled" as const),
    now: fc.constant(at)
  })
)

/** Forged tokens: one-character edits of a real one, random text, and shapes clients get wrong. */
const forgery = fc.oneof(
  fc.constantFrom("", "aaa", "null", "Bearer x", " "),
  fc.string({ maxLength: 40 }),
  fc.base64String({ maxLength: 180 }),
  fc.nat(150).map((i) => (token: string) => {
    const at = i % token.length
    return token.slice(0, at) + (token[at] === "A" ? "B" : "A") + token.slice(at + 1)
  })
)

describe("the access policy, as a property", () => {
  it("decides every request as the spec's status table does", () => {
    const seen = new Map<string, number>()
    checkProperty(
      fc.property(world, forgery, (w, forge) => {
        const signer = new TokenSigner({ secret, cacheCapacity: 8 })
        const real = signer.issueUnsafe(self, 21_600, w.now).token
        const forged = typeof forge === "function" ? forge(real) : forge
        const expected = model(w)
        const got = decideFor(w, forged, signer)
        const line = `${w.method} ${w.route} ${w.httpTokens}/${w.httpEndpoint} token=${w.token.kind}`
        if (expected.status === 200) assert.deepStrictEqual(got, Result.succeed(expected), line)
        else {
          assert.isTrue(Result.isFailure(got), `${line}: expected ${expected.status} (${expected.rule}), got a 200`)
          if (Result.isFailure(got)) {
            assert.isTrue(
              refusalsOf[expected.rule]!.includes(got.failure),
              `${line}: ${expected.rule}, got ${got.failure}`
            )
          }
        }
        const key = expected.status === 200 ? `200 ${expected.grant}` : `${expected.status} ${expected.rule}`
        seen.set(key, (seen.get(key) ?? 0) + 1)
      }),
      { runs: 3000 }
    )
    // Every row of the table was reached.
    for (const row of [
      "200 token",
      "200 read",
      "400 ttl",
      "401 bad token",
      "401 expired token",
      "401 foreign token",
      "403 endpoint disabled",
      "403 proxied token request",
      "403 token required",
      "405 method"
    ]) {
      assert.isAbove(seen.get(row) ?? 0, 10, row)
    }
  })
})
