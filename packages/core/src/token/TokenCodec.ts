// The wire forms around a sealed metadata token: the TTL request header, and the token's byte layout (version 1:
// version u8 | key id u32 | instance id (u8 length + UTF-8) | issuedAt i64 ms | expiresAt i64 ms | nonce 12 | HMAC 32)
// in unpadded base64url.
import { Effect, Result } from "effect"
import { InvalidTtl, TokenMalformed } from "../Errors.ts"

export const minTtlSeconds = 1
export const maxTtlSeconds = 21600

/** The digits' value, or -1 for anything but plain ASCII digits (no sign, space, point, exponent or hex). */
const ttlDigits = (raw: string): number => {
  let n = 0
  for (let i = 0; i < raw.length; i++) {
    const digit = raw.charCodeAt(i) - 48
    if (digit < 0 || digit > 9) return -1
    n = n * 10 + digit
  }
  return raw.length === 0 ? -1 : n
}

/** The `X-aliyun-ecs-metadata-token-ttl-seconds` value: plain digits whose value is 1..21600 (leading zeros pass). */
export const parseTtlResult = (raw: string | null | undefined): Result.Result<number, InvalidTtl> => {
  const n = raw == null ? -1 : ttlDigits(raw)
  return n >= minTtlSeconds && n <= maxTtlSeconds
    ? Result.succeed(n)
    : Result.fail(new InvalidTtl({ value: raw ?? null }))
}

export const parseTtl = (raw: string | null | undefined): Effect.Effect<number, InvalidTtl> =>
  Effect.suspend(() => Effect.fromResult(parseTtlResult(raw)))

export const tokenVersion = 1
export const nonceBytes = 12
export const macBytes = 32
/** Every byte except the instance id; 66 + a 22-char ECS id = 88 bytes = 118 chars, well under the 256 cap. */
export const overheadBytes = 1 + 4 + 1 + 8 + 8 + nonceBytes + macBytes
/** The length prefix is one byte. */
export const maxInstanceIdBytes = 255
/** Longer text cannot be a token, so it is refused before any decoding work. */
export const maxTokenChars = Math.ceil(((overheadBytes + maxInstanceIdBytes) * 4) / 3)

const idOffset = 6
const two32 = 4294967296

/** A token whose layout is sound; its MAC is not checked yet, and the instance id stays undecoded until it is. */
export interface ParsedToken {
  readonly bytes: Uint8Array
  readonly keyId: number
  readonly issuedAt: number
  readonly expiresAt: number
  /** Where the MAC starts: the MAC covers every byte before it. */
  readonly macOffset: number
}

const encoder = new TextEncoder()
const decoder = new TextDecoder("utf-8", { fatal: true })

const writeU32 = (b: Uint8Array, o: number, n: number): void => {
  b[o] = n >>> 24
  b[o + 1] = n >>> 16
  b[o + 2] = n >>> 8
  b[o + 3] = n
}
const readU32 = (b: Uint8Array, o: number): number =>
  ((b[o]! << 24) | (b[o + 1]! << 16) | (b[o + 2]! << 8) | b[o + 3]!) >>> 0

/** Whole-millisecond instants, sign included (a virtual clock may sit before 1970), split in two 32-bit words. */
const writeI64 = (b: Uint8Array, o: number, ms: number): void => {
  writeU32(b, o, Math.floor(ms / two32))
  writeU32(b, o + 4, ms >>> 0)
}
const readI64 = (b: Uint8Array, o: number): number => (readU32(b, o) | 0) * two32 + readU32(b, o + 4)

/**
 * CSPRNG bytes drawn in bulk: one getRandomValues call per ~5 000 nonces instead of one per token (on Node each
 * call costs microseconds, which made it most of a token PUT). The bytes are as random; each is used once.
 */
const randomPool = new Uint8Array(65_536)
let randomAt = randomPool.length

/** Writes `nonceBytes` bytes of nonce at `into[at]`. */
export type NonceSource = (into: Uint8Array, at: number) => void

export const randomNonce: NonceSource = (into, at) => {
  if (randomAt + nonceBytes > randomPool.length) {
    globalThis.crypto.getRandomValues(randomPool)
    randomAt = 0
  }
  for (let i = 0; i < nonceBytes; i++) into[at + i] = randomPool[randomAt + i]!
  randomAt += nonceBytes
}

/** Tokens are issued to few instances, over and over: the last one's UTF-8 id is kept. */
let lastId = ""
let lastIdBytes = new Uint8Array(0)

const idBytes = (instanceId: string): Uint8Array => {
  if (instanceId !== lastId) {
    lastIdBytes = encoder.encode(instanceId)
    lastId = instanceId
  }
  return lastIdBytes
}

/** The token bytes with a fresh random nonce and a zeroed MAC area for the signer to fill. */
export const layoutToken = (keyId: number, instanceId: string, issuedAt: number, expiresAt: number): Uint8Array => {
  const bytes = new Uint8Array(overheadBytes + maxInstanceIdBytes)
  return bytes.slice(0, layoutTokenInto(bytes, keyId, instanceId, issuedAt, expiresAt))
}

/**
 * `layoutToken` into a caller's buffer (at least `overheadBytes + maxInstanceIdBytes` long), so the signer reuses
 * one; returns the token's length. The MAC area is left as it was.
 */
export const layoutTokenInto = (
  bytes: Uint8Array,
  keyId: number,
  instanceId: string,
  issuedAt: number,
  expiresAt: number,
  nonce: NonceSource = randomNonce
): number => {
  const id = idBytes(instanceId)
  if (id.length > maxInstanceIdBytes) throw new RangeError(`instance id longer than ${maxInstanceIdBytes} bytes`)
  bytes[0] = tokenVersion
  writeU32(bytes, 1, keyId)
  bytes[5] = id.length
  bytes.set(id, idOffset)
  const timesAt = idOffset + id.length
  writeI64(bytes, timesAt, Math.floor(issuedAt))
  writeI64(bytes, timesAt + 8, Math.floor(expiresAt))
  nonce(bytes, timesAt + 16)
  return overheadBytes + id.length
}

/** Layout checks in the order the errors are reported: encoding, length, version. Key and MAC come later. */
export const parseToken = (token: string): ParsedToken | TokenMalformed => {
  if (token.length === 0) return new TokenMalformed({ reason: "empty" })
  if (token.length > maxTokenChars) return new TokenMalformed({ reason: "wrong length" })
  const bytes = decodeBase64Url(token)
  if (bytes === undefined) return new TokenMalformed({ reason: "not base64url" })
  if (bytes.length < overheadBytes || bytes.length !== overheadBytes + bytes[5]!) {
    return new TokenMalformed({ reason: "wrong length" })
  }
  if (bytes[0] !== tokenVersion) return new TokenMalformed({ reason: "unknown version" })
  const timesAt = idOffset + bytes[5]!
  return {
    bytes,
    keyId: readU32(bytes, 1),
    issuedAt: readI64(bytes, timesAt),
    expiresAt: readI64(bytes, timesAt + 8),
    macOffset: bytes.length - macBytes
  }
}

/** Only called once the MAC holds, so the bytes are ones this service wrote. */
export const tokenInstanceId = (parsed: ParsedToken): string =>
  decoder.decode(parsed.bytes.subarray(idOffset, idOffset + parsed.bytes[5]!))

const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
const sextets = new Int8Array(128).fill(-1)
for (let i = 0; i < alphabet.length; i++) sextets[alphabet.charCodeAt(i)] = i

const alphabetCodes = Uint8Array.from(alphabet, (c) => c.charCodeAt(0))
/** The output is ASCII, which every single-byte decoding reads the same; one decode beats appending to a string. */
const asciiDecoder = new TextDecoder("latin1")
let encoded = new Uint8Array(512)

/** RFC 4648 §5 without padding, of the first `length` bytes. */
export const encodeBase64Url = (bytes: Uint8Array, length: number = bytes.length): string => {
  const size = Math.ceil((length * 4) / 3)
  if (encoded.length < size) encoded = new Uint8Array(size)
  const out = encoded
  let o = 0
  let i = 0
  for (; i + 2 < length; i += 3) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!
    out[o++] = alphabetCodes[n >>> 18]!
    out[o++] = alphabetCodes[(n >>> 12) & 63]!
    out[o++] = alphabetCodes[(n >>> 6) & 63]!
    out[o++] = alphabetCodes[n & 63]!
  }
  if (i < length) {
    const n = (bytes[i]! << 16) | ((i + 1 < length ? bytes[i + 1]! : 0) << 8)
    out[o++] = alphabetCodes[n >>> 18]!
    out[o++] = alphabetCodes[(n >>> 12) & 63]!
    if (i + 1 < length) out[o++] = alphabetCodes[(n >>> 6) & 63]!
  }
  return asciiDecoder.decode(out.subarray(0, o))
}

/**
 * Strict unpadded base64url: any other character, padding, or a non-zero unused tail bit is refused, so each
 * token has exactly one spelling (a flipped last character cannot decode to the same bytes).
 */
export const decodeBase64Url = (text: string): Uint8Array | undefined => {
  if (text.length % 4 === 1) return undefined
  const out = new Uint8Array((text.length * 3) >>> 2)
  let acc = 0
  let bits = 0
  let o = 0
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    const v = c < 128 ? sextets[c]! : -1
    if (v < 0) return undefined
    acc = ((acc << 6) | v) & 0xffffff
    bits += 6
    if (bits >= 8) {
      bits -= 8
      out[o++] = acc >>> bits
    }
  }
  return (acc & ((1 << bits) - 1)) === 0 ? out : undefined
}
