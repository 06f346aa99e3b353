import { assert, describe, it } from "@effect/vitest"
import { Clock, Effect, Result } from "effect"
import { TestClock } from "effect/testing"
import {
  type AccessRequest,
  type AccessSubject,
  type Decision,
  decide,
  decideUnsafe
} from "../src/access/AccessPolicy.ts"
import type { AccessError } from "../src/Errors.ts"
import type { MetadataOptions } from "../src/fleet/Instance.ts"
import { Tokens } from "../src/token/Token.ts"

const subject = (
  HttpTokens: MetadataOptions["HttpTokens"],
  HttpEndpoint: MetadataOptions["HttpEndpoint"] = "enabled",
  instanceId = "i-a"
): AccessSubject => ({ instanceId, metadataOptions: { HttpEndpoint, HttpTokens, InstanceMetadataTags: "disabled" } })

const optional = subject("optional")
const required = subject("required")
const disabled = subject("optional", "disabled")
const disabledRequired = subject("required", "disabled")

const get: AccessRequest = { method: "GET", route: "metadata", ttlHeader: null, tokenHeader: null, forwardedFor: null }
const put: AccessRequest = { method: "PUT", route: "token", ttlHeader: "21600", tokenHeader: null, forwardedFor: null }

/** Both forms must agree; the Effect form's outcome is what the row asserts on. */
const decideBoth = (request: AccessRequest, who: AccessSubject) =>
  Effect.gen(function* () {
    const tokens = yield* Tokens
    const viaEffect = yield* Effect.result(decide(request, who))
    const viaUnsafe = decideUnsafe(request, who, tokens.signer, yield* Clock.currentTimeMillis)
    assert.deepStrictEqual(Result.isSuccess(viaUnsafe), Result.isSuccess(viaEffect))
    const tagOf = (r: Result.Result<Decision, AccessError>) => (Result.isSuccess(r) ? r.success._tag : r.failure._tag)
    assert.strictEqual(tagOf(viaUnsafe), tagOf(viaEffect))
    return viaEffect
  })

type Expect = Decision | { readonly error: AccessError["_tag"]; readonly data?: Record<string, unknown> }

const rows: ReadonlyArray<readonly [string, AccessRequest, AccessSubject, Expect]> = [
  [
    "disabled endpoint refuses the token PUT",
    put,
    disabled,
    { error: "EndpointDisabled", data: { instanceId: "i-a" } }
  ],
  ["disabled endpoint refuses a GET in required mode", get, disabledRequired, { error: "EndpointDisabled" }],
  [
    "disabled endpoint refuses a POST before the method check",
    { ...get, method: "POST" },
    disabled,
    {
      error: "EndpointDisabled"
    }
  ],
  [
    "disabled endpoint refuses a proxied PUT",
    { ...put, forwardedFor: "10.0.0.1" },
    disabled,
    {
      error: "EndpointDisabled"
    }
  ],
  [
    "disabled endpoint refuses a GET carrying a bad token",
    { ...get, tokenHeader: "aaa" },
    disabled,
    {
      error: "EndpointDisabled"
    }
  ],
  [
    "GET on the token route is not allowed",
    { ...put, method: "GET" },
    optional,
    {
      error: "MethodNotAllowed",
      data: { method: "GET", allow: ["PUT"] }
    }
  ],
  [
    'tokenGet "405" is the default: GET on the token route is refused the same way',
    { ...put, method: "GET", tokenGet: "405" },
    required,
    { error: "MethodNotAllowed", data: { method: "GET", allow: ["PUT"] } }
  ],
  [
    'tokenGet "issue": a GET with a valid TTL issues a token',
    { ...put, method: "GET", tokenGet: "issue" },
    required,
    {
      _tag: "IssueToken",
      ttlSeconds: 21_600
    }
  ],
  [
    'tokenGet "issue": a proxied GET is refused as a proxied PUT is',
    { ...put, method: "GET", tokenGet: "issue", forwardedFor: "10.0.0.1" },
    optional,
    { error: "ForwardedTokenRequest" }
  ],
  [
    'tokenGet "issue": a GET without a TTL is a bad TTL',
    { ...put, method: "GET", tokenGet: "issue", ttlHeader: null },
    optional,
    { error: "InvalidTtl" }
  ],
  [
    'tokenGet "issue": other methods are refused naming PUT and GET',
    { ...put, method: "DELETE", tokenGet: "issue" },
    optional,
    { error: "MethodNotAllowed", data: { method: "DELETE", allow: ["PUT", "GET"] } }
  ],
  [
    "a proxied GET on the token route reports the method first",
    { ...put, method: "GET", forwardedFor: "x" },
    optional,
    {
      error: "MethodNotAllowed"
    }
  ],
  [
    "X-Forwarded-For on the PUT wins over a bad TTL",
    { ...put, ttlHeader: "0", forwardedFor: "10.0.0.1" },
    optional,
    {
      error: "ForwardedTokenRequest",
      data: { forwardedFor: "10.0.0.1" }
    }
  ],
  [
    "an empty X-Forwarded-For still refuses the PUT",
    { ...put, forwardedFor: "" },
    required,
    {
      error: "ForwardedTokenRequest"
    }
  ],
  [
    "a PUT without TTL is invalid",
    { ...put, ttlHeader: null },
    optional,
    { error: "InvalidTtl", data: { value: null } }
  ],
  [
    "a PUT with TTL 21601 is invalid",
    { ...put, ttlHeader: "21601" },
    required,
    {
      error: "InvalidTtl",
      data: { value: "21601" }
    }
  ],
  [
    "a PUT with TTL 1 issues a token in optional mode",
    { ...put, ttlHeader: "1" },
    optional,
    {
      _tag: "IssueToken",
      ttlSeconds: 1
    }
  ],
  ["a PUT issues a token in required mode", put, required, { _tag: "IssueToken", ttlSeconds: 21600 }],
  [
    "a PUT carrying a bad token header still issues a token",
    { ...put, tokenHeader: "aaa" },
    required,
    {
      _tag: "IssueToken",
      ttlSeconds: 21600
    }
  ],
  [
    "POST on a metadata path is not allowed",
    { ...get, method: "POST" },
    optional,
    {
      error: "MethodNotAllowed",
      data: { method: "POST", allow: ["GET", "HEAD"] }
    }
  ],
  [
    "PUT on a metadata path is not allowed",
    { ...get, method: "PUT", ttlHeader: "60" },
    optional,
    {
      error: "MethodNotAllowed"
    }
  ],
  ["a token-less GET reads in normal mode when optional", get, optional, { _tag: "Read", mode: "normal" }],
  [
    "a token-less HEAD reads in normal mode when optional",
    { ...get, method: "HEAD" },
    optional,
    {
      _tag: "Read",
      mode: "normal"
    }
  ],
  ["a token-less GET is refused when required", get, required, { error: "TokenRequired", data: { instanceId: "i-a" } }],
  [
    "an invalid token is refused even in optional mode",
    { ...get, tokenHeader: "aaa" },
    optional,
    {
      error: "TokenMalformed"
    }
  ],
  [
    "an invalid token in required mode is a token error, not TokenRequired",
    { ...get, tokenHeader: "aaa" },
    required,
    {
      error: "TokenMalformed"
    }
  ],
  [
    "an empty token header is verified and refused",
    { ...get, tokenHeader: "" },
    optional,
    {
      error: "TokenMalformed",
      data: { reason: "empty" }
    }
  ]
]

describe("AccessPolicy.decide", () => {
  for (const [name, request, who, expected] of rows) {
    it.effect(name, () =>
      Effect.gen(function* () {
        const result = yield* decideBoth(request, who)
        if ("error" in expected) {
          const error = Result.isFailure(result) ? result.failure : assert.fail("expected a refusal")
          assert.strictEqual(error._tag, expected.error)
          for (const [key, value] of Object.entries(expected.data ?? {})) {
            assert.deepStrictEqual((error as unknown as Record<string, unknown>)[key], value, key)
          }
        } else {
          assert.deepStrictEqual(result, Result.succeed(expected))
        }
      }).pipe(Effect.provide(Tokens.layer))
    )
  }

  const issue = (instanceId: string, ttl = 60) => Tokens.use((t) => t.issue(instanceId, ttl))

  for (const who of [optional, required]) {
    it.effect(`a valid token reads in token mode (${who.metadataOptions.HttpTokens})`, () =>
      Effect.gen(function* () {
        const { token, expiresAt } = yield* issue("i-a")
        const result = yield* decideBoth({ ...get, tokenHeader: token }, who)
        assert.deepStrictEqual(
          result,
          Result.succeed<Decision>({
            _tag: "Read",
            mode: "token",
            token: { instanceId: "i-a", issuedAt: 0, expiresAt }
          })
        )
      }).pipe(Effect.provide(Tokens.layer))
    )
  }

  it.effect("a token issued to another instance is refused", () =>
    Effect.gen(function* () {
      const { token } = yield* issue("i-b")
      const error = yield* Effect.flip(decide({ ...get, tokenHeader: token }, optional))
      assert.strictEqual(error._tag, "TokenForeignInstance")
    }).pipe(Effect.provide(Tokens.layer))
  )

  it.effect("a token is refused as expired once its TTL has passed on the clock", () =>
    Effect.gen(function* () {
      const { token } = yield* issue("i-a", 60)
      yield* TestClock.adjust(59_999)
      yield* decide({ ...get, tokenHeader: token }, required)
      yield* TestClock.adjust(1)
      const result = yield* decideBoth({ ...get, tokenHeader: token }, required)
      assert.strictEqual(Result.isFailure(result) && result.failure._tag, "TokenExpired")
    }).pipe(Effect.provide(Tokens.layer))
  )
})
