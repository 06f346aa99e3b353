import { assert, describe, it } from "@effect/vitest"
import { Effect, Result } from "effect"
import { TestClock } from "effect/testing"
import { VirtualClock } from "../src/clock/VirtualClock.ts"
import { type TokenError, TokenMalformed } from "../src/Errors.ts"
import { parseTtl, parseTtlResult, TokenSigner, Tokens } from "../src/token/Token.ts"
import { decodeBase64Url, encodeBase64Url, layoutToken, overheadBytes } from "../src/token/TokenCodec.ts"

const ecsId = "i-bp13znx0m0me8cquu1234"

const issue = (instanceId: string, ttlSeconds: number) => Tokens.use((t) => t.issue(instanceId, ttlSeconds))
const verify = (token: string, caller: string) => Tokens.use((t) => t.verify(token, caller))
const refusal = (token: string, caller: string) => Effect.flip(verify(token, caller))

/** Replaces the character at `index` with another base64url character. */
const flipAt = (token: string, index: number): string =>
  token.slice(0, index) + (token[index] === "A" ? "B" : "A") + token.slice(index + 1)

const failureOf = <A, E>(result: Result.Result<A, E>): E => {
  if (Result.isSuccess(result)) return assert.fail("expected a failure")
  return result.failure
}

describe("parseTtl", () => {
  const valid: ReadonlyArray<readonly [string, number]> = [
    ["1", 1],
    ["60", 60],
    ["21600", 21600],
    ["060", 60]
  ]
  for (const [raw, seconds] of valid) {
    it(`accepts ${JSON.stringify(raw)} as ${seconds} seconds`, () => {
      assert.deepStrictEqual(parseTtlResult(raw), Result.succeed(seconds))
    })
  }

  const invalid = [undefined, null, "", "0", "21601", "abc", "1.5", " 60", "60 ", "-1", "1e3", "0x10", "+60"]
  for (const raw of [...invalid, "99999999999999999999", "６０"]) {
    it(`refuses ${JSON.stringify(raw)} with InvalidTtl carrying the raw value`, () => {
      const error = failureOf(parseTtlResult(raw))
      assert.strictEqual(error._tag, "InvalidTtl")
      assert.strictEqual(error.value, raw ?? null)
    })
  }

  it.effect("the Effect form succeeds and fails like the sync form", () =>
    Effect.gen(function* () {
      assert.strictEqual(yield* parseTtl("21600"), 21600)
      const error = yield* Effect.flip(parseTtl("21601"))
      assert.strictEqual(error._tag, "InvalidTtl")
    })
  )
})

describe("Tokens", () => {
  it.effect("a token verifies for its instance with the issue time and expiry from the clock", () =>
    Effect.gen(function* () {
      yield* TestClock.adjust("5 seconds")
      const issued = yield* issue(ecsId, 60)
      assert.deepStrictEqual([issued.issuedAt, issued.expiresAt], [5_000, 65_000])
      const verified = yield* verify(issued.token, ecsId)
      assert.deepStrictEqual(verified, { instanceId: ecsId, issuedAt: 5_000, expiresAt: 65_000 })
    }).pipe(Effect.provide(Tokens.layer))
  )

  it.effect("a token is valid 1 ms before its TTL and expired exactly at it, cached or not", () =>
    Effect.gen(function* () {
      const cached = yield* issue(ecsId, 60)
      const fresh = yield* issue(ecsId, 60)
      yield* TestClock.adjust(59_999)
      yield* verify(cached.token, ecsId)
      yield* TestClock.adjust(1)
      for (const token of [cached.token, fresh.token]) {
        const error = yield* refusal(token, ecsId)
        assert.strictEqual(error._tag, "TokenExpired")
        if (error._tag === "TokenExpired") assert.deepStrictEqual([error.expiresAt, error.now], [60_000, 60_000])
      }
    }).pipe(Effect.provide(Tokens.layer))
  )

  it.effect("a token expires when the virtual clock is advanced past its TTL", () =>
    Effect.gen(function* () {
      const issued = yield* issue(ecsId, 21600)
      yield* (yield* VirtualClock).advance("6 hours")
      assert.strictEqual((yield* refusal(issued.token, ecsId))._tag, "TokenExpired")
    }).pipe(Effect.provide(Tokens.layer), Effect.provide(VirtualClock.layerWithClock))
  )

  it.effect("a token copied to another instance is refused, also after it was verified by its own", () =>
    Effect.gen(function* () {
      const { token } = yield* issue("i-a", 60)
      for (let round = 0; round < 2; round++) {
        const error = yield* refusal(token, "i-b")
        assert.strictEqual(error._tag, "TokenForeignInstance")
        if (error._tag === "TokenForeignInstance") {
          assert.deepStrictEqual([error.tokenInstanceId, error.callerInstanceId], ["i-a", "i-b"])
        }
        yield* verify(token, "i-a")
      }
    }).pipe(Effect.provide(Tokens.layer))
  )

  it.effect("tampered, truncated or foreign-alphabet tokens are refused with the matching error", () =>
    Effect.gen(function* () {
      const { token } = yield* issue("i-abc", 60)
      const nonceChar = Math.ceil(((6 + 5 + 16) * 4) / 3) + 2
      const cases: ReadonlyArray<readonly [string, TokenError["_tag"], string?]> = [
        [flipAt(token, nonceChar), "TokenBadMac"],
        [flipAt(token, 12), "TokenBadMac"],
        [flipAt(token, token.length - 10), "TokenBadMac"],
        [flipAt(token, 0), "TokenMalformed", "unknown version"],
        [token.slice(0, -1), "TokenMalformed"],
        [token.slice(0, -4), "TokenMalformed"],
        [token.slice(0, 88), "TokenMalformed", "wrong length"],
        [`${token} `, "TokenMalformed", "not base64url"],
        [` ${token}`, "TokenMalformed", "not base64url"],
        [`${token}\n`, "TokenMalformed", "not base64url"],
        [`${token}=`, "TokenMalformed", "not base64url"],
        [`${token.slice(0, 10)}+${token.slice(11)}`, "TokenMalformed", "not base64url"],
        ["", "TokenMalformed", "empty"],
        ["aaa", "TokenMalformed"],
        ["A".repeat(300), "TokenMalformed", "wrong length"],
        ["%".repeat(300), "TokenMalformed", "not base64url"],
        ["A".repeat(5000), "TokenMalformed", "wrong length"]
      ]
      for (const [bad, tag, reason] of cases) {
        const error = yield* refusal(bad, "i-abc")
        assert.strictEqual(error._tag, tag, JSON.stringify(bad))
        if (reason !== undefined && error._tag === "TokenMalformed") assert.strictEqual(error.reason, reason)
      }
      yield* verify(token, "i-abc")
    }).pipe(Effect.provide(Tokens.layer))
  )

  it("a well-formed token under a key id never issued is malformed, not a MAC failure", () => {
    const signer = new TokenSigner()
    const bytes = layoutToken(7, "i-a", 0, 60_000)
    const error = failureOf(signer.verifyUnsafe(encodeBase64Url(bytes), "i-a", 0))
    assert.deepStrictEqual(
      [error._tag, error._tag === "TokenMalformed" && error.reason],
      ["TokenMalformed", "unknown key id"]
    )
  })

  it.effect("rotateKey keeps earlier tokens valid for the grace window, then refuses them", () =>
    Effect.gen(function* () {
      const old = yield* issue(ecsId, 21600)
      yield* verify(old.token, ecsId)
      yield* TestClock.adjust("10 seconds")
      yield* Tokens.use((t) => t.rotateKey)
      const fresh = yield* issue(ecsId, 21600)
      assert.notStrictEqual(fresh.token.slice(0, 8), old.token.slice(0, 8))
      yield* TestClock.adjust(59_999)
      yield* verify(old.token, ecsId)
      yield* TestClock.adjust(1)
      assert.strictEqual((yield* refusal(old.token, ecsId))._tag, "TokenBadMac")
      yield* Tokens.use((t) => t.rotateKey)
      assert.strictEqual((yield* refusal(old.token, ecsId))._tag, "TokenBadMac")
      yield* verify(fresh.token, ecsId)
    }).pipe(Effect.provide(Tokens.layerWith({ rotationGraceSeconds: 60 })))
  )

  it.effect("by default a rotated-out key verifies until the longest TTL has run out", () =>
    Effect.gen(function* () {
      const old = yield* issue(ecsId, 21600)
      yield* Tokens.use((t) => t.rotateKey)
      yield* TestClock.adjust(21600 * 1000 - 1)
      yield* verify(old.token, ecsId)
    }).pipe(Effect.provide(Tokens.layer))
  )

  it.effect("revokeAll refuses every earlier token at once, even a cached one, and new tokens work", () =>
    Effect.gen(function* () {
      const cached = yield* issue(ecsId, 60)
      const unseen = yield* issue(ecsId, 60)
      yield* verify(cached.token, ecsId)
      yield* Tokens.use((t) => t.revokeAll)
      assert.strictEqual((yield* refusal(cached.token, ecsId))._tag, "TokenBadMac")
      assert.strictEqual((yield* refusal(unseen.token, ecsId))._tag, "TokenBadMac")
      const fresh = yield* issue(ecsId, 60)
      assert.strictEqual((yield* verify(fresh.token, ecsId)).instanceId, ecsId)
    }).pipe(Effect.provide(Tokens.layer))
  )

  it.effect("tokens are printable base64url of at most 256 chars for ids up to 126 bytes", () =>
    Effect.gen(function* () {
      for (const id of [ecsId, `i-${"x".repeat(124)}`, "i-é"]) {
        const { token } = yield* issue(id, 21600)
        assert.match(token, /^[A-Za-z0-9_-]+$/)
        assert.isAtMost(token.length, 256)
        assert.strictEqual((yield* verify(token, id)).instanceId, id)
      }
    }).pipe(Effect.provide(Tokens.layer))
  )

  it.effect("10 000 tokens issued at the same instant are all distinct", () =>
    Effect.gen(function* () {
      const seen = new Set<string>()
      for (let i = 0; i < 10_000; i++) seen.add((yield* issue(ecsId, 60)).token)
      assert.strictEqual(seen.size, 10_000)
    }).pipe(Effect.provide(Tokens.layer))
  )
})

describe("TokenSigner", () => {
  it("the verified-token cache never holds more than its capacity and evicted tokens still verify", () => {
    const signer = new TokenSigner({ cacheCapacity: 2 })
    const ids = ["i-a", "i-b", "i-c"]
    const tokens = ids.map((id) => signer.issueUnsafe(id, 60, 0).token)
    for (const [i, token] of tokens.entries()) assert.isTrue(Result.isSuccess(signer.verifyUnsafe(token, ids[i]!, 0)))
    assert.strictEqual(signer.cacheSize(), 2)
    assert.isTrue(Result.isSuccess(signer.verifyUnsafe(tokens[0]!, "i-a", 0)))
    assert.strictEqual(signer.cacheSize(), 2)
    const uncached = new TokenSigner({ cacheCapacity: 0 })
    assert.isTrue(Result.isSuccess(uncached.verifyUnsafe(uncached.issueUnsafe("i-a", 60, 0).token, "i-a", 0)))
    assert.strictEqual(uncached.cacheSize(), 0)
  })

  it("refused tokens are not cached", () => {
    const signer = new TokenSigner()
    const { token } = signer.issueUnsafe("i-a", 60, 0)
    assert.strictEqual(failureOf(signer.verifyUnsafe(token, "i-a", 60_000))._tag, "TokenExpired")
    assert.strictEqual(failureOf(signer.verifyUnsafe(flipAt(token, 40), "i-a", 0))._tag, "TokenBadMac")
    assert.strictEqual(signer.cacheSize(), 0)
  })

  it("signers sharing a secret verify each other's tokens; another secret gets a MAC failure", () => {
    const secret = new Uint8Array(32).fill(7)
    const { token } = new TokenSigner({ secret }).issueUnsafe("i-a", 60, 0)
    assert.isTrue(Result.isSuccess(new TokenSigner({ secret }).verifyUnsafe(token, "i-a", 1)))
    const other = new TokenSigner({ secret: new Uint8Array(32).fill(8) })
    assert.strictEqual(failureOf(other.verifyUnsafe(token, "i-a", 1))._tag, "TokenBadMac")
  })

  it("instants before 1970 and beyond 32 bits survive the round trip", () => {
    const signer = new TokenSigner()
    for (const now of [-5_000, Date.UTC(2100, 0, 1)]) {
      const { token } = signer.issueUnsafe("i-a", 60, now)
      const verified = signer.verifyUnsafe(token, "i-a", now + 1)
      assert.deepStrictEqual(verified, Result.succeed({ instanceId: "i-a", issuedAt: now, expiresAt: now + 60_000 }))
    }
  })

  it("rejects an empty secret and a negative grace or capacity when built", () => {
    assert.throws(() => new TokenSigner({ secret: new Uint8Array(0) }), RangeError)
    assert.throws(() => new TokenSigner({ rotationGraceSeconds: -1 }), RangeError)
    assert.throws(() => new TokenSigner({ cacheCapacity: 1.5 }), RangeError)
  })

  it("names the option and the value it refuses", () => {
    const cases: ReadonlyArray<readonly [() => unknown, string]> = [
      [() => new TokenSigner({ secret: new Uint8Array(0) }), "token secret must not be empty"],
      [
        () => new TokenSigner({ rotationGraceSeconds: -1 }),
        "rotationGraceSeconds must be a non-negative number, got -1"
      ],
      [
        () => new TokenSigner({ rotationGraceSeconds: Number.POSITIVE_INFINITY }),
        "rotationGraceSeconds must be a non-negative number, got Infinity"
      ],
      [() => new TokenSigner({ cacheCapacity: 1.5 }), "cacheCapacity must be a non-negative integer, got 1.5"],
      [() => new TokenSigner({ cacheCapacity: Number.NaN }), "cacheCapacity must be a non-negative integer, got NaN"]
    ]
    for (const [build, message] of cases) assert.throws(build, RangeError, message)
  })

  it("takes a fractional grace window and no cache at all", () => {
    const signer = new TokenSigner({ rotationGraceSeconds: 1.5, cacheCapacity: 0 })
    const { token } = signer.issueUnsafe(ecsId, 60, 0)
    signer.rotateKeyUnsafe(0)
    assert.isTrue(Result.isSuccess(signer.verifyUnsafe(token, ecsId, 1_499)))
    assert.strictEqual(failureOf(signer.verifyUnsafe(token, ecsId, 1_500))._tag, "TokenBadMac")
    assert.strictEqual(signer.cacheSize(), 0)
  })

  it("a rotated-out key still verifies a token it never saw before, during the grace window", () => {
    const signer = new TokenSigner({ rotationGraceSeconds: 60 })
    const first = signer.issueUnsafe(ecsId, 600, 0).token
    signer.rotateKeyUnsafe(1_000)
    const second = signer.issueUnsafe(ecsId, 600, 1_000).token
    signer.rotateKeyUnsafe(2_000)
    assert.isTrue(Result.isSuccess(signer.verifyUnsafe(first, ecsId, 3_000)))
    assert.isTrue(Result.isSuccess(signer.verifyUnsafe(second, ecsId, 3_000)))
  })

  it("a key id the signer never reached is malformed; one it retired is a bad MAC", () => {
    const signer = new TokenSigner()
    const forged = (keyId: number) => encodeBase64Url(layoutToken(keyId, ecsId, 0, 60_000))
    assert.deepStrictEqual(
      failureOf(signer.verifyUnsafe(forged(1), ecsId, 0)),
      new TokenMalformed({ reason: "unknown key id" })
    )
    signer.revokeAllUnsafe()
    assert.strictEqual(failureOf(signer.verifyUnsafe(forged(0), ecsId, 0))._tag, "TokenBadMac")
    assert.strictEqual(failureOf(signer.verifyUnsafe(forged(2), ecsId, 0))._tag, "TokenMalformed")
  })
})

describe("TokenSigner key history (exportKeysUnsafe / restoreKeysUnsafe)", () => {
  const restored = (from: TokenSigner) => {
    const signer = new TokenSigner({ rotationGraceSeconds: 60 })
    signer.restoreKeysUnsafe(from.exportKeysUnsafe())
    return signer
  }
  const ok = (signer: TokenSigner, token: string, now: number) =>
    Result.isSuccess(signer.verifyUnsafe(token, ecsId, now))
  const tagOf = (signer: TokenSigner, token: string, now: number) =>
    failureOf(signer.verifyUnsafe(token, ecsId, now))._tag

  it("exports the secret, the current key, the next id and every accepted key with its retirement", () => {
    const secret = Uint8Array.from({ length: 32 }, (_, i) => i)
    const signer = new TokenSigner({ secret, rotationGraceSeconds: 60 })
    signer.rotateKeyUnsafe(1_000)
    assert.deepStrictEqual(signer.exportKeysUnsafe(), {
      secret,
      currentKeyId: 1,
      nextKeyId: 2,
      keys: [
        { id: 0, retiresAt: 61_000 },
        { id: 1, retiresAt: null }
      ]
    })
    signer.revokeAllUnsafe()
    assert.deepStrictEqual(signer.exportKeysUnsafe(), {
      secret,
      currentKeyId: 2,
      nextKeyId: 3,
      keys: [{ id: 2, retiresAt: null }]
    })
  })

  it("a restored signer accepts the tokens the original accepted, and signs new ones with the same key", () => {
    const original = new TokenSigner({ rotationGraceSeconds: 60 })
    const old = original.issueUnsafe(ecsId, 600, 0).token
    original.rotateKeyUnsafe(1_000)
    const current = original.issueUnsafe(ecsId, 600, 1_000).token
    const copy = restored(original)
    assert.isTrue(ok(copy, old, 60_999))
    assert.strictEqual(tagOf(copy, old, 61_000), "TokenBadMac")
    assert.isTrue(ok(copy, current, 2_000))
    assert.strictEqual(tagOf(copy, current, 601_000), "TokenExpired")
    const next = copy.issueUnsafe(ecsId, 600, 2_000).token
    assert.isTrue(ok(original, next, 2_000))
    copy.rotateKeyUnsafe(3_000)
    assert.deepStrictEqual(copy.exportKeysUnsafe().currentKeyId, 2)
  })

  it("a token revoked before the export stays refused, and a key id never reached stays malformed", () => {
    const original = new TokenSigner()
    const revoked = original.issueUnsafe(ecsId, 600, 0).token
    original.revokeAllUnsafe()
    const copy = restored(original)
    assert.strictEqual(tagOf(copy, revoked, 0), "TokenBadMac")
    assert.strictEqual(tagOf(copy, encodeBase64Url(layoutToken(2, ecsId, 0, 60_000)), 0), "TokenMalformed")
  })

  it("forgets tokens it had verified under its own keys", () => {
    const signer = new TokenSigner()
    const token = signer.issueUnsafe(ecsId, 600, 0).token
    assert.isTrue(ok(signer, token, 0))
    assert.strictEqual(signer.cacheSize(), 1)
    signer.restoreKeysUnsafe(new TokenSigner().exportKeysUnsafe())
    assert.strictEqual(signer.cacheSize(), 0)
    assert.strictEqual(tagOf(signer, token, 0), "TokenBadMac")
  })

  it("drops every key of its own that the restored history does not hold", () => {
    const signer = new TokenSigner()
    const before = signer.issueUnsafe(ecsId, 600, 0).token
    const other = new TokenSigner()
    other.revokeAllUnsafe()
    // The history holds key 1 only: this signer's key 0 must go, not linger beside it.
    signer.restoreKeysUnsafe(other.exportKeysUnsafe())
    assert.deepStrictEqual(
      signer.exportKeysUnsafe().keys.map((key) => key.id),
      [1]
    )
    assert.strictEqual(tagOf(signer, before, 0), "TokenBadMac")
  })

  it("refuses a history without its current key, with a retired current key, an id beyond nextKeyId or no secret", () => {
    const signer = new TokenSigner()
    const secret = Uint8Array.of(1)
    const cases = [
      { secret, currentKeyId: 1, nextKeyId: 2, keys: [{ id: 0, retiresAt: null }] },
      { secret, currentKeyId: 0, nextKeyId: 1, keys: [{ id: 0, retiresAt: 5 }] },
      {
        secret,
        currentKeyId: 0,
        nextKeyId: 1,
        keys: [
          { id: 0, retiresAt: null },
          { id: 1, retiresAt: 5 }
        ]
      },
      { secret: new Uint8Array(0), currentKeyId: 0, nextKeyId: 1, keys: [{ id: 0, retiresAt: null }] }
    ]
    const messages = cases.map((state) => {
      const error = (() => {
        try {
          signer.restoreKeysUnsafe(state)
        } catch (e) {
          return e
        }
      })()
      assert.instanceOf(error, RangeError)
      return (error as RangeError).message
    })
    assert.deepStrictEqual(messages, [
      ...Array(3).fill("token key state must hold its current key and no id at or above nextKeyId"),
      "token secret must not be empty"
    ])
    const token = signer.issueUnsafe(ecsId, 60, 0).token
    assert.isTrue(ok(signer, token, 0))
  })
})

describe("TokenCodec base64url", () => {
  it("round-trips every tail length", () => {
    for (let n = 0; n <= 6; n++) {
      const bytes = Uint8Array.from({ length: n }, (_, i) => (i * 97 + 250) & 255)
      assert.deepStrictEqual(decodeBase64Url(encodeBase64Url(bytes)), bytes)
    }
  })

  it("refuses a non-canonical last character, padding and an impossible length", () => {
    assert.deepStrictEqual(decodeBase64Url("_w"), Uint8Array.of(255))
    assert.isUndefined(decodeBase64Url("_x"))
    assert.isUndefined(decodeBase64Url("_w=="))
    assert.isUndefined(decodeBase64Url("AAAAA"))
  })

  it("a token is the fixed overhead plus the instance id, in base64url", () => {
    const bytes = layoutToken(0, ecsId, 0, 1)
    assert.strictEqual(bytes.length, overheadBytes + ecsId.length)
    assert.strictEqual(encodeBase64Url(bytes).length, Math.ceil((bytes.length * 4) / 3))
  })
})

describe("a token is valid only inside its life on the virtual clock (issuedAt <= now < expiresAt)", () => {
  const tagOf = (signer: TokenSigner, token: string, now: number) => {
    const result = signer.verifyUnsafe(token, ecsId, now)
    return Result.isSuccess(result) ? "ok" : failureOf(result)._tag
  }

  it("refuses a token issued after now as not yet valid, before it is ever verified and once it is cached", () => {
    const hour = 3_600_000
    const signer = new TokenSigner()
    const future = signer.issueUnsafe(ecsId, 21_600, hour).token
    // Never verified (not cached): the clock is an hour before its issue time.
    assert.strictEqual(tagOf(signer, future, 0), "TokenNotYetValid")
    const refusal = failureOf(signer.verifyUnsafe(future, ecsId, hour - 1))
    assert.deepInclude(refusal, { _tag: "TokenNotYetValid", issuedAt: hour, now: hour - 1 })
    assert.strictEqual(tagOf(signer, future, hour), "ok")
    // Cached now: the clock set back refuses it again, and forward once more accepts it (it stays cached).
    assert.strictEqual(signer.cacheSize(), 1)
    assert.strictEqual(tagOf(signer, future, hour - 1), "TokenNotYetValid")
    assert.strictEqual(signer.cacheSize(), 1)
    assert.strictEqual(tagOf(signer, future, hour + 1), "ok")
  })

  it("a tampered token from the future is refused for its MAC, not told apart by its time", () => {
    const signer = new TokenSigner()
    const future = signer.issueUnsafe(ecsId, 600, 3_600_000).token
    const tampered = flipAt(future, future.length - 2)
    assert.strictEqual(tagOf(signer, tampered, 0), "TokenBadMac")
  })
})
