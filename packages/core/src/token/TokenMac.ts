// HMAC-SHA256 for the token hot path: the key's inner and outer states are computed once, and a MAC is three or four
// compressions into preallocated buffers, with no allocation per call (a general-purpose hash object costs several
// times more for inputs this small). Checked against @noble/hashes in test/TokenMac.test.ts.

const K = Int32Array.from([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98,
  0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786,
  0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8,
  0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
  0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819,
  0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a,
  0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2
])
const initial = Int32Array.from([
  0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19
])

const blockBytes = 64
const w = new Int32Array(64)

const rotr = (x: number, n: number): number => (x >>> n) | (x << (32 - n))

/** One SHA-256 compression of `block[at, at + 64)` into `state`. */
const compress = (state: Int32Array, block: Uint8Array, at: number): void => {
  for (let i = 0; i < 16; i++) {
    const o = at + i * 4
    w[i] = (block[o]! << 24) | (block[o + 1]! << 16) | (block[o + 2]! << 8) | block[o + 3]!
  }
  for (let i = 16; i < 64; i++) {
    const a = w[i - 15]!
    const b = w[i - 2]!
    const s0 = rotr(a, 7) ^ rotr(a, 18) ^ (a >>> 3)
    const s1 = rotr(b, 17) ^ rotr(b, 19) ^ (b >>> 10)
    w[i] = (w[i - 16]! + s0 + w[i - 7]! + s1) | 0
  }
  let a = state[0]!,
    b = state[1]!,
    c = state[2]!,
    d = state[3]!
  let e = state[4]!,
    f = state[5]!,
    g = state[6]!,
    h = state[7]!
  for (let i = 0; i < 64; i++) {
    const t1 = (h + (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) + ((e & f) ^ (~e & g)) + K[i]! + w[i]!) | 0
    const t2 = ((rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) + ((a & b) ^ (a & c) ^ (b & c))) | 0
    h = g
    g = f
    f = e
    e = (d + t1) | 0
    d = c
    c = b
    b = a
    a = (t1 + t2) | 0
  }
  state[0] = (state[0]! + a) | 0
  state[1] = (state[1]! + b) | 0
  state[2] = (state[2]! + c) | 0
  state[3] = (state[3]! + d) | 0
  state[4] = (state[4]! + e) | 0
  state[5] = (state[5]! + f) | 0
  state[6] = (state[6]! + g) | 0
  state[7] = (state[7]! + h) | 0
}

const block = new Uint8Array(blockBytes)
const state = new Int32Array(8)

/** Hashes `message[0, length)` after a first block already absorbed in `start`; the digest is left in `state`. */
const finish = (start: Int32Array, message: Uint8Array, length: number): void => {
  state.set(start)
  let at = 0
  for (; at + blockBytes <= length; at += blockBytes) compress(state, message, at)
  const rest = length - at
  block.fill(0)
  for (let i = 0; i < rest; i++) block[i] = message[at + i]!
  block[rest] = 0x80
  if (rest >= blockBytes - 8) {
    compress(state, block, 0)
    block.fill(0)
  }
  // Bit length of everything hashed, the key block included; our messages stay far below 2^32 bits.
  const bits = (blockBytes + length) * 8
  block[60] = bits >>> 24
  block[61] = bits >>> 16
  block[62] = bits >>> 8
  block[63] = bits
  compress(state, block, 0)
}

const digest = new Uint8Array(32)

const writeState = (out: Uint8Array, at: number): void => {
  for (let i = 0; i < 8; i++) {
    const v = state[i]!
    out[at + i * 4] = v >>> 24
    out[at + i * 4 + 1] = v >>> 16
    out[at + i * 4 + 2] = v >>> 8
    out[at + i * 4 + 3] = v
  }
}

/** HMAC-SHA256 under one key (at most 64 bytes, as the signer's derived keys are). Not reentrant: single thread. */
export class TokenMac {
  private readonly inner = new Int32Array(8)
  private readonly outer = new Int32Array(8)

  constructor(key: Uint8Array) {
    if (key.length > blockBytes) throw new RangeError("TokenMac keys are at most 64 bytes")
    const pad = new Uint8Array(blockBytes)
    for (const [into, mask] of [
      [this.inner, 0x36],
      [this.outer, 0x5c]
    ] as const) {
      for (let i = 0; i < blockBytes; i++) pad[i] = (key[i] ?? 0) ^ mask
      into.set(initial)
      compress(into, pad, 0)
    }
  }

  /** Writes the 32-byte MAC of `message[0, length)` to `out[at, at + 32)`. */
  macInto(message: Uint8Array, length: number, out: Uint8Array, at: number): void {
    finish(this.inner, message, length)
    writeState(digest, 0)
    finish(this.outer, digest, 32)
    writeState(out, at)
  }
}
