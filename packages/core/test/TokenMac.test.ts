import { assert, describe, it } from "@effect/vitest"
import { hmac } from "@noble/hashes/hmac.js"
import { sha256 } from "@noble/hashes/sha2.js"
import { TokenMac } from "../src/token/TokenMac.ts"

const bytes = (length: number, seed: number) => Uint8Array.from({ length }, (_, i) => (i * 31 + seed * 7) & 255)

describe("TokenMac", () => {
  it("matches HMAC-SHA256 for every message length up to three blocks and keys up to one block", () => {
    for (const keyLength of [1, 32, 63, 64]) {
      const key = bytes(keyLength, keyLength)
      const mac = new TokenMac(key)
      for (let length = 0; length <= 200; length++) {
        const message = bytes(length, length + 1)
        const out = new Uint8Array(40)
        mac.macInto(message, length, out, 8)
        assert.deepStrictEqual(out.subarray(8), hmac(sha256, key, message), `key ${keyLength}, message ${length}`)
      }
    }
  })

  it("reads only the first `length` bytes of the message", () => {
    const key = bytes(32, 1)
    const message = bytes(100, 2)
    const out = new Uint8Array(32)
    new TokenMac(key).macInto(message, 56, out, 0)
    assert.deepStrictEqual(out, hmac(sha256, key, message.subarray(0, 56)))
  })

  it("refuses keys longer than a block", () => {
    assert.throws(() => new TokenMac(new Uint8Array(65)), RangeError, "TokenMac keys are at most 64 bytes")
  })

  it("writes exactly the 32 MAC bytes at `at` and leaves the rest of the buffer as it was", () => {
    const out = new Uint8Array(48).fill(0xaa)
    new TokenMac(bytes(32, 3)).macInto(bytes(40, 4), 40, out, 8)
    assert.deepStrictEqual([...out.subarray(0, 8), ...out.subarray(40)], new Array(16).fill(0xaa))
  })
})
