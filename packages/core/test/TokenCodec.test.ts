import { assert, describe, it } from "@effect/vitest"
import { Result } from "effect"
import { TokenMalformed } from "../src/Errors.ts"
import { TokenSigner } from "../src/token/Token.ts"
import {
  decodeBase64Url,
  encodeBase64Url,
  layoutToken,
  maxInstanceIdBytes,
  maxTokenChars,
  overheadBytes,
  parseToken,
  parseTtlResult
} from "../src/token/TokenCodec.ts"

const reasonOf = (token: string): string | null => {
  const parsed = parseToken(token)
  return parsed instanceof TokenMalformed ? parsed.reason : null
}

describe("the TTL header", () => {
  it("accepts every decimal digit, 9 included", () => {
    for (const [raw, seconds] of [
      ["9", 9],
      ["19", 19],
      ["999", 999],
      ["21599", 21599],
      ["10987", 10987]
    ] as const) {
      assert.deepStrictEqual(parseTtlResult(raw), Result.succeed(seconds))
    }
  })
})

describe("the token layout", () => {
  it("refuses text longer than any token could be as the wrong length, before decoding it", () => {
    assert.strictEqual(reasonOf("!".repeat(maxTokenChars + 1)), "wrong length")
    assert.strictEqual(reasonOf("!".repeat(maxTokenChars)), "not base64url")
    assert.strictEqual(maxTokenChars, Math.ceil(((overheadBytes + maxInstanceIdBytes) * 4) / 3))
  })

  it("refuses a token whose instance-id length disagrees with its size", () => {
    const bytes = layoutToken(0, "i-abc", 0, 60_000)
    bytes[5] = bytes[5]! + 1
    assert.strictEqual(reasonOf(encodeBase64Url(bytes)), "wrong length")
    assert.strictEqual(reasonOf(encodeBase64Url(bytes.subarray(0, overheadBytes - 1))), "wrong length")
  })

  it("lays out and reads back a token for an empty instance id (the shortest token there is)", () => {
    const parsed = parseToken(encodeBase64Url(layoutToken(0, "", 5, 60_005)))
    assert.notInstanceOf(parsed, TokenMalformed)
    assert.deepStrictEqual(parsed instanceof TokenMalformed ? null : [parsed.issuedAt, parsed.expiresAt], [5, 60_005])
  })

  it("takes an instance id of up to 255 bytes and refuses a longer one", () => {
    assert.strictEqual(layoutToken(0, "x".repeat(maxInstanceIdBytes), 0, 1).length, overheadBytes + 255)
    assert.throws(
      () => layoutToken(0, "x".repeat(maxInstanceIdBytes + 1), 0, 1),
      RangeError,
      "instance id longer than 255 bytes"
    )
  })

  it("draws fresh nonces past the first pool of random bytes: 12 000 tokens at one instant are distinct", () => {
    const signer = new TokenSigner({ cacheCapacity: 0 })
    const seen = new Set<string>()
    for (let i = 0; i < 12_000; i++) seen.add(signer.issueUnsafe("i-a", 60, 0).token)
    assert.strictEqual(seen.size, 12_000)
  })
})

describe("base64url", () => {
  it("encodes inputs longer than its scratch buffer exactly as Buffer does", () => {
    const bytes = Uint8Array.from({ length: 700 }, (_, i) => (i * 31 + 7) & 255)
    assert.strictEqual(encodeBase64Url(bytes), Buffer.from(bytes).toString("base64url"))
    assert.strictEqual(encodeBase64Url(bytes, 400), Buffer.from(bytes.subarray(0, 400)).toString("base64url"))
    assert.deepStrictEqual(decodeBase64Url(encodeBase64Url(bytes)), bytes)
  })

  it("refuses any character outside the alphabet, non-ASCII ones included", () => {
    for (const text of ["AAA\u0080", "AAA\u00e9", "AAA\u0100", "AAA\u4e00", "AAA+", "AAA/", "AA A"]) {
      assert.isUndefined(decodeBase64Url(text), JSON.stringify(text))
    }
  })
})
