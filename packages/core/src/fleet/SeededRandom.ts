// A small deterministic PRNG for generated fleet values: SHA-256 of the seed and a label picks the start state of a
// xoshiro128** generator, so (seed, label) always yields the same stream and different labels are independent.
import { sha256 } from "@noble/hashes/sha2.js"

export interface SeededRandom {
  /** Uniform unsigned 32-bit integer. */
  readonly next: () => number
  /** Integer in `[0, bound)`. */
  readonly int: (bound: number) => number
  readonly pick: <A>(items: ReadonlyArray<A>) => A
  /** `length` characters drawn from `alphabet`. */
  readonly chars: (length: number, alphabet: string) => string
  readonly bytes: (length: number) => Uint8Array
  /** An independent child stream; splitting up front keeps each stream stable when another draws more or less. */
  readonly split: () => SeededRandom
}

export const LOWER_ALNUM = "abcdefghijklmnopqrstuvwxyz0123456789"
export const DIGITS = "0123456789"
const HEX = "0123456789abcdef"

const encoder = new TextEncoder()

export const makeRandom = (seed: string, label: string | number): SeededRandom => {
  const h = sha256(encoder.encode(`${seed}\u0000${label}`))
  const word = (i: number) => ((h[i]! << 24) | (h[i + 1]! << 16) | (h[i + 2]! << 8) | h[i + 3]!) >>> 0
  return fromState(word(0), word(4), word(8), word(12))
}

const fromState = (a: number, b: number, c: number, d: number): SeededRandom => {
  if ((a | b | c | d) === 0) a = 1 // the all-zero state is a fixed point
  const next = () => {
    const result = Math.imul(rotl(Math.imul(b, 5), 7), 9) >>> 0
    const t = b << 9
    c ^= a
    d ^= b
    b ^= c
    a ^= d
    c ^= t
    d = rotl(d, 11)
    return result
  }
  const int = (bound: number) => Math.floor((next() / 0x1_0000_0000) * bound)
  return {
    next,
    int,
    pick: (items) => items[int(items.length)]!,
    chars: (length, alphabet) => {
      let out = ""
      for (let i = 0; i < length; i++) out += alphabet[int(alphabet.length)]
      return out
    },
    bytes: (length) => Uint8Array.from({ length }, () => next() & 255),
    split: () => fromState(mix(next()), mix(next()), mix(next()), mix(next()))
  }
}

/** splitmix32 finaliser: decorrelates a child stream's start state from its parent's outputs. */
const mix = (x: number): number => {
  let z = (x + 0x9e3779b9) | 0
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b)
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35)
  return (z ^ (z >>> 16)) >>> 0
}

const rotl = (x: number, k: number) => ((x << k) | (x >>> (32 - k))) >>> 0

/** RFC 4122 version-4 layout (the shape of ECS `serial-number`). */
export const randomUuid = (random: SeededRandom): string => {
  const hex = random.chars(32, HEX)
  const variant = HEX[8 + random.int(4)]
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20)}`
}

/** SHA-256 of a UTF-8 string: used for secrets derived from the fleet seed. */
export const sha256Text = (text: string): Uint8Array => sha256(encoder.encode(text))
