// Properties of the token's wire forms, against models written here from the spec and the documented layout: the TTL
// header (spec §10: whole seconds 1..21600, anything else 400), the token round trip, and that no edit of a valid token
// — a flipped, swapped, dropped or added character, a cut or an extension — is accepted, each refused with the error a
// verifier built from the layout alone (Buffer and @noble/hashes) expects.

import { checkProperty } from "@aliyun-imds/vitest-config/property"
import { assert, describe, it } from "@effect/vitest"
import { hmac } from "@noble/hashes/hmac.js"
import { sha256 } from "@noble/hashes/sha2.js"
import { Result } from "effect"
import fc from "fast-check"
import { type TokenError, TokenMalformed } from "../src/Errors.ts"
import { TokenSigner } from "../src/token/Token.ts"
import { decodeBase64Url, encodeBase64Url, parseTtlResult } from "../src/token/TokenCodec.ts"

// --- TTL header --------------------------------------------------------------------------------------------------

/** Spec §10: plain decimal digits whose value is 1..21600; signs, blanks, points, exponents and hex are 400. */
const ttlAccepted = (raw: string | null): boolean =>
  raw !== null && /^[0-9]+$/.test(raw) && BigInt(raw) >= 1n && BigInt(raw) <= 21_600n

const digits = fc.string({ unit: fc.constantFrom(..."0123456789"), minLength: 1, maxLength: 8 })
const ttlText = fc.oneof(
  fc.integer({ min: -5, max: 21_605 }).map(String),
  fc.integer({ min: 0, max: 21_600 }).chain((n) => fc.nat(6).map((zeros) => "0".repeat(zeros) + n)),
  digits,
  fc
    .tuple(
      fc.constantFrom("", " ", "+", "-", "\t", "0x", "\u0660", "\uff11"),
      fc.integer({ min: 1, max: 21_600 }),
      fc.constantFrom("", " ", ".0", "e0", "\n", "s", "\u0000", ",1")
    )
    .map(([before, n, after]) => `${before}${n}${after}`),
  fc.string({ unit: "binary", maxLength: 12 }),
  fc.constant("9".repeat(400))
)

describe("the TTL header, as a property", () => {
  it("accepts exactly the whole seconds 1..21600 written in plain digits, and says what it refused", () => {
    checkProperty(
      fc.property(fc.option(ttlText, { nil: null, freq: 20 }), (raw) => {
        const parsed = parseTtlResult(raw)
        if (ttlAccepted(raw)) assert.deepStrictEqual(parsed, Result.succeed(Number(raw)))
        else {
          assert.isTrue(Result.isFailure(parsed), `accepted ${JSON.stringify(raw)}`)
          if (Result.isFailure(parsed)) {
            assert.strictEqual(parsed.failure._tag, "InvalidTtl")
            assert.strictEqual(parsed.failure.value, raw)
          }
        }
      }),
      { runs: 3000 }
    )
  })
})

// --- base64url ----------------------------------------------------------------------------------------------------

describe("the token's base64url, as a property", () => {
  it("decodes what it encodes, byte for byte, as Buffer's base64url does", () => {
    checkProperty(
      fc.property(fc.uint8Array({ maxLength: 400 }), (bytes) => {
        const text = encodeBase64Url(bytes)
        assert.strictEqual(text, Buffer.from(bytes).toString("base64url"))
        assert.deepStrictEqual(decodeBase64Url(text), bytes)
      }),
      { runs: 1000 }
    )
  })

  it("gives every byte string exactly one spelling: whatever decodes re-encodes to the same text", () => {
    const near = fc.string({ unit: fc.constantFrom(..."AQgw_-=+/ .%\u00e9"), maxLength: 12 })
    checkProperty(
      fc.property(fc.oneof(near, fc.string({ maxLength: 12 }), fc.base64String({ maxLength: 12 })), (text) => {
        const bytes = decodeBase64Url(text)
        if (bytes !== undefined) assert.strictEqual(encodeBase64Url(bytes), text)
      }),
      { runs: 3000 }
    )
  })
})

// --- the layout's verifier, from the documentation alone ----------------------------------------------------------

const secret = Uint8Array.from({ length: 32 }, (_, i) => 255 - i)
const label = Buffer.from("aliyun-imds/token-key/")

/** Key n = HMAC(secret, "aliyun-imds/token-key/" ‖ u32 n). */
const keyOf = (keyId: number): Uint8Array => {
  const info = Buffer.concat([label, Buffer.alloc(4)])
  info.writeUInt32BE(keyId, label.length)
  return hmac(sha256, secret, info)
}

interface Keys {
  /** The key tokens are issued under; earlier ones were revoked. */
  readonly current: number
}

type Verdict = TokenError["_tag"] | "Accepted"

/**
 * What a verifier must say of `token` (version u8 | key u32 | id length u8 | id | issuedAt i64 | expiresAt i64 |
 * nonce 12 | HMAC-SHA256 of all before, in canonical unpadded base64url), for `caller` at `now`.
 */
const verdictOf = (token: string, keys: Keys, caller: string, now: number): Verdict => {
  if (!/^[A-Za-z0-9_-]+$/.test(token) || token.length % 4 === 1) return "TokenMalformed"
  const bytes = Buffer.from(token, "base64url")
  if (bytes.toString("base64url") !== token) return "TokenMalformed"
  if (bytes.length < 66 || bytes.length !== 66 + bytes[5]!) return "TokenMalformed"
  if (bytes[0] !== 1) return "TokenMalformed"
  const keyId = bytes.readUInt32BE(1)
  if (keyId > keys.current) return "TokenMalformed"
  if (keyId < keys.current) return "TokenBadMac"
  const macAt = bytes.length - 32
  const mac = hmac(sha256, keyOf(keyId), bytes.subarray(0, macAt))
  if (!Buffer.from(mac).equals(bytes.subarray(macAt))) return "TokenBadMac"
  const idEnd = 6 + bytes[5]!
  if (BigInt(now) >= bytes.readBigInt64BE(idEnd + 8)) return "TokenExpired"
  return bytes.subarray(6, idEnd).toString("utf8") === caller ? "Accepted" : "TokenForeignInstance"
}

const tagOf = (result: Result.Result<unknown, TokenError>): Verdict =>
  Result.isSuccess(result) ? "Accepted" : result.failure._tag

// --- arbitraries ----------------------------------------------------------------------------------------------------

const ecsId = fc.string({
  unit: fc.constantFrom(..."abcdefghijklmnopqrstuvwxyz0123456789"),
  minLength: 1,
  maxLength: 62
})
const instanceId = fc.oneof(
  { weight: 3, arbitrary: ecsId.map((s) => `i-${s}`) },
  { weight: 1, arbitrary: fc.string({ unit: "binary", maxLength: 60 }) }
)
/** Virtual instants, before 1970 too (the clock can be set anywhere). */
const instant = fc.integer({ min: -4_000_000_000_000, max: 40_000_000_000_000 })
const ttl = fc.integer({ min: 1, max: 21_600 })

/** A small cache: the default one's 10 000 slots cost more to allocate than a whole run of checks. */
const options = { secret, cacheCapacity: 16 }

/** A fresh signer that issued `revoked` key generations before the current one. */
const signerAfter = (revoked: number): TokenSigner => {
  const signer = new TokenSigner(options)
  for (let i = 0; i < revoked; i++) signer.revokeAllUnsafe()
  return signer
}

describe("the token codec, as a property", () => {
  it("verifies a token for its instance from its issue until just before its expiry, then refuses it", () => {
    checkProperty(
      fc.property(
        instanceId,
        ttl,
        instant,
        fc.nat(2),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (id, t, now, r, f) => {
          const signer = signerAfter(r)
          const issued = signer.issueUnsafe(id, t, now)
          assert.match(issued.token, /^[A-Za-z0-9_-]+$/)
          assert.deepStrictEqual([issued.issuedAt, issued.expiresAt], [now, now + t * 1000])
          const at = now + Math.floor(f * (t * 1000 - 1))
          const verified = signer.verifyUnsafe(issued.token, id, at)
          assert.deepStrictEqual(verified, Result.succeed({ instanceId: id, issuedAt: now, expiresAt: now + t * 1000 }))
          assert.strictEqual(verdictOf(issued.token, { current: r }, id, at), "Accepted")
          assert.strictEqual(tagOf(signer.verifyUnsafe(issued.token, id, now + t * 1000)), "TokenExpired")
          assert.strictEqual(tagOf(signer.verifyUnsafe(issued.token, `${id}x`, at)), "TokenForeignInstance")
          signer.revokeAllUnsafe()
          assert.strictEqual(tagOf(signer.verifyUnsafe(issued.token, id, at)), "TokenBadMac")
        }
      ),
      { runs: 500 }
    )
  })

  it("keeps every token for an ECS instance id within the 256 printable characters clients accept", () => {
    checkProperty(
      fc.property(ecsId, ttl, instant, (id, t, now) => {
        const { token } = new TokenSigner(options).issueUnsafe(`i-${id}`, t, now)
        assert.isAtMost(token.length, 256)
      }),
      { runs: 300 }
    )
  })

  it("refuses every edit of a valid token with the error the documented layout implies", () => {
    const other = fc.constantFrom(..."AQgw09_-zZ", "=", "+", "/", " ", ".", "%", "\u00e9", "\n")
    const edit = fc.oneof(
      fc.record({ kind: fc.constant("flip"), at: fc.nat(), char: other }),
      fc.record({ kind: fc.constant("case"), at: fc.nat() }),
      fc.record({ kind: fc.constant("swap"), at: fc.nat(), to: fc.nat() }),
      fc.record({ kind: fc.constant("drop"), at: fc.nat() }),
      fc.record({ kind: fc.constant("insert"), at: fc.nat(), char: other }),
      fc.record({ kind: fc.constant("cut"), keep: fc.nat() }),
      fc.record({ kind: fc.constant("cutFront"), drop: fc.nat() }),
      fc.record({ kind: fc.constant("extend"), tail: fc.string({ unit: other, minLength: 1, maxLength: 8 }) }),
      fc.record({ kind: fc.constant("prepend"), head: fc.string({ unit: other, minLength: 1, maxLength: 4 }) }),
      fc.record({ kind: fc.constant("double") })
    )
    type Edit = typeof edit extends fc.Arbitrary<infer E> ? E : never
    const apply = (token: string, e: Edit): string => {
      const n = token.length
      switch (e.kind) {
        case "flip":
          return token.slice(0, e.at % n) + e.char + token.slice((e.at % n) + 1)
        case "case": {
          const c = token[e.at % n]!
          const flipped = c === c.toLowerCase() ? c.toUpperCase() : c.toLowerCase()
          return token.slice(0, e.at % n) + flipped + token.slice((e.at % n) + 1)
        }
        case "swap": {
          const [i, j] = [e.at % n, e.to % n].sort((a, b) => a - b) as [number, number]
          return token.slice(0, i) + token[j] + token.slice(i + 1, j) + token[i] + token.slice(j + 1)
        }
        case "drop":
          return token.slice(0, e.at % n) + token.slice((e.at % n) + 1)
        case "insert":
          return token.slice(0, e.at % (n + 1)) + e.char + token.slice(e.at % (n + 1))
        case "cut":
          return token.slice(0, e.keep % n)
        case "cutFront":
          return token.slice((e.drop % n) + 1)
        case "extend":
          return token + e.tail
        case "prepend":
          return e.head + token
        case "double":
          return token + token
      }
    }
    const seen = new Map<Verdict, number>()
    checkProperty(
      fc.property(instanceId, ttl, instant, fc.nat(2), fc.boolean(), edit, (id, t, now, r, warm, e) => {
        const signer = signerAfter(r)
        const { token } = signer.issueUnsafe(id, t, now)
        const edited = apply(token, e)
        fc.pre(edited !== token)
        // A cached verdict for the original must not leak to its neighbours.
        if (warm) assert.isTrue(Result.isSuccess(signer.verifyUnsafe(token, id, now)))
        const expected = verdictOf(edited, { current: r }, id, now)
        assert.notStrictEqual(expected, "Accepted", `the model accepts the edit ${JSON.stringify(e)}`)
        const got = signer.verifyUnsafe(edited, id, now)
        assert.strictEqual(tagOf(got), expected, `${JSON.stringify(e)}: ${JSON.stringify(edited)}`)
        if (Result.isFailure(got) && got.failure instanceof TokenMalformed) {
          assert.include(
            ["empty", "wrong length", "not base64url", "unknown version", "unknown key id"],
            got.failure.reason
          )
        }
        seen.set(expected, (seen.get(expected) ?? 0) + 1)
      }),
      { runs: 4000 }
    )
    // The edits reach past the encoding into the layout and the MAC, not only the first check.
    assert.isAbove(seen.get("TokenBadMac") ?? 0, 100)
    assert.isAbove(seen.get("TokenMalformed") ?? 0, 100)
  })
})
