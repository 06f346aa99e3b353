// Stateless sealed metadata tokens (spec §10): the token carries its instance, issue time and expiry under an
// HMAC-SHA256, so any number of tokens costs no memory beyond a bounded cache of recently verified ones.
import { hmac } from "@noble/hashes/hmac.js"
import { sha256 } from "@noble/hashes/sha2.js"
import { Clock, Context, Effect, Layer, Result } from "effect"
import {
  TokenBadMac,
  type TokenError,
  TokenExpired,
  TokenForeignInstance,
  TokenMalformed,
  TokenNotYetValid
} from "../Errors.ts"
import { VerifiedTokenCache } from "./TokenCache.ts"
import {
  encodeBase64Url,
  layoutTokenInto,
  macBytes,
  maxInstanceIdBytes,
  maxTtlSeconds,
  type NonceSource,
  overheadBytes,
  type ParsedToken,
  parseToken,
  randomNonce,
  tokenInstanceId
} from "./TokenCodec.ts"
import { TokenMac } from "./TokenMac.ts"

// The TTL header is part of the token's wire contract; it is parsed next to the token layout.
export { maxTtlSeconds, minTtlSeconds, type NonceSource, parseTtl, parseTtlResult } from "./TokenCodec.ts"

export interface IssuedToken {
  readonly token: string
  readonly issuedAt: number
  readonly expiresAt: number
}

export interface VerifiedToken {
  readonly instanceId: string
  readonly issuedAt: number
  readonly expiresAt: number
}

export interface TokenOptions {
  /** Master secret; signing keys are derived from it, so replicas sharing it verify each other's tokens. */
  readonly secret?: Uint8Array
  /** How long a key replaced by `rotateKey` still verifies. Default 21600 s, the longest TTL. */
  readonly rotationGraceSeconds?: number
  /** Verified tokens remembered so repeat requests skip the HMAC. Default 10 000; 0 disables the cache. */
  readonly cacheCapacity?: number
  /** Where each token's nonce comes from. Default: the CSPRNG. A fixed source is for known-answer tests only. */
  readonly nonce?: NonceSource
}

/** A signer's key history: its master secret and the keys it still accepts, enough to accept the same tokens after a
 * restart (`TokenSigner.exportKeysUnsafe`, `restoreKeysUnsafe`). */
export interface TokenKeyState {
  readonly secret: Uint8Array
  /** The key new tokens are signed with. */
  readonly currentKeyId: number
  /** The next key id to hand out: ids below it that are not in `keys` were revoked or retired. */
  readonly nextKeyId: number
  /** Every accepted key; a retired one verifies until `retiresAt` (virtual epoch ms). */
  readonly keys: ReadonlyArray<{ readonly id: number; readonly retiresAt: number | null }>
}

interface SigningKey {
  readonly id: number
  /** HMAC-SHA256 with the key already absorbed. */
  readonly mac: TokenMac
  retiresAt: number | null
}

const keyLabel = new TextEncoder().encode("aliyun-imds/token-key/")

const randomSecret = (): Uint8Array => globalThis.crypto.getRandomValues(new Uint8Array(32))

const nonNegative = (name: string, value: number, integer: boolean): number => {
  if (!(value >= 0) || !Number.isFinite(value) || (integer && !Number.isInteger(value))) {
    throw new RangeError(`${name} must be a non-negative ${integer ? "integer" : "number"}, got ${value}`)
  }
  return value
}

/** Synchronous token issuer and verifier for the server's hot path; `Tokens` wraps one with `Clock` time. */
export class TokenSigner {
  private secret: Uint8Array
  private readonly graceMs: number
  private readonly nonce: NonceSource
  private readonly keys = new Map<number, SigningKey>()
  private readonly cache: VerifiedTokenCache
  private readonly macOut = new Uint8Array(macBytes)
  /** Issuing lays each token out here, then MACs it in place. */
  private readonly layout = new Uint8Array(overheadBytes + maxInstanceIdBytes)
  private nextKeyId = 0
  private current: SigningKey

  constructor(options: TokenOptions = {}) {
    this.secret = options.secret ?? randomSecret()
    if (this.secret.length === 0) throw new RangeError("token secret must not be empty")
    this.graceMs = nonNegative("rotationGraceSeconds", options.rotationGraceSeconds ?? maxTtlSeconds, false) * 1000
    this.cache = new VerifiedTokenCache(nonNegative("cacheCapacity", options.cacheCapacity ?? 10_000, true))
    this.nonce = options.nonce ?? randomNonce
    this.current = this.addKey()
  }

  issueUnsafe(instanceId: string, ttlSeconds: number, now: number): IssuedToken {
    const expiresAt = now + ttlSeconds * 1000
    const length = layoutTokenInto(this.layout, this.current.id, instanceId, now, expiresAt, this.nonce)
    this.current.mac.macInto(this.layout, length - macBytes, this.layout, length - macBytes)
    return { token: encodeBase64Url(this.layout, length), issuedAt: Math.floor(now), expiresAt: Math.floor(expiresAt) }
  }

  verifyUnsafe(token: string, callerInstanceId: string, now: number): Result.Result<VerifiedToken, TokenError> {
    const slot = this.cache.find(token)
    if (slot === -1) return this.verifyUncached(token, callerInstanceId, now)
    const key = this.acceptedKey(this.cache.keyIdAt(slot), now)
    if (key instanceof TokenMalformed || key instanceof TokenBadMac) return this.forget(slot, key)
    const expiresAt = this.cache.expiresAtAt(slot)
    if (now >= expiresAt) return this.forget(slot, new TokenExpired({ expiresAt, now }))
    const issuedAt = this.cache.issuedAtAt(slot)
    // Kept in the cache: it turns valid once the clock reaches its issue time again.
    if (now < issuedAt) return Result.fail(new TokenNotYetValid({ issuedAt, now }))
    const verified = { instanceId: this.cache.instanceIdAt(slot), issuedAt, expiresAt }
    return bound(verified, callerInstanceId) ? Result.succeed(verified) : foreign(verified, callerInstanceId)
  }

  /** Starts a new key; the previous one keeps verifying for the grace window so outstanding tokens survive. */
  rotateKeyUnsafe(now: number): void {
    this.current.retiresAt = now + this.graceMs
    for (const [id, key] of this.keys) if (key.retiresAt !== null && now >= key.retiresAt) this.keys.delete(id)
    this.current = this.addKey()
  }

  /** Starts a new key and drops every earlier one: all outstanding tokens are refused at once. */
  revokeAllUnsafe(): void {
    this.keys.clear()
    this.cache.clear()
    this.current = this.addKey()
  }

  /** The key history, to persist: a signer given it by `restoreKeysUnsafe` accepts exactly the same tokens. */
  exportKeysUnsafe(): TokenKeyState {
    return {
      secret: this.secret,
      currentKeyId: this.current.id,
      nextKeyId: this.nextKeyId,
      keys: [...this.keys.values()].map((key) => ({ id: key.id, retiresAt: key.retiresAt }))
    }
  }

  /** Takes over an exported key history (and forgets every verified token); the current key must be among `keys`. */
  restoreKeysUnsafe(state: TokenKeyState): void {
    const current = state.keys.find((key) => key.id === state.currentKeyId)
    if (state.secret.length === 0) throw new RangeError("token secret must not be empty")
    if (current === undefined || current.retiresAt !== null || state.keys.some((key) => key.id >= state.nextKeyId)) {
      throw new RangeError("token key state must hold its current key and no id at or above nextKeyId")
    }
    this.secret = state.secret
    this.keys.clear()
    this.cache.clear()
    for (const key of state.keys) this.keys.set(key.id, this.keyFor(key.id, key.retiresAt))
    this.nextKeyId = state.nextKeyId
    this.current = this.keys.get(state.currentKeyId)!
  }

  cacheSize(): number {
    return this.cache.size
  }

  private verifyUncached(token: string, caller: string, now: number): Result.Result<VerifiedToken, TokenError> {
    const parsed = parseToken(token)
    if (parsed instanceof TokenMalformed) return Result.fail(parsed)
    const key = this.acceptedKey(parsed.keyId, now)
    if (key instanceof TokenMalformed || key instanceof TokenBadMac) return Result.fail(key)
    if (!this.macMatches(key, parsed)) return Result.fail(new TokenBadMac())
    if (now >= parsed.expiresAt) return Result.fail(new TokenExpired({ expiresAt: parsed.expiresAt, now }))
    if (now < parsed.issuedAt) return Result.fail(new TokenNotYetValid({ issuedAt: parsed.issuedAt, now }))
    const verified: VerifiedToken = {
      instanceId: tokenInstanceId(parsed),
      issuedAt: parsed.issuedAt,
      expiresAt: parsed.expiresAt
    }
    this.cache.add(token, key.id, verified.instanceId, verified.issuedAt, verified.expiresAt)
    return bound(verified, caller) ? Result.succeed(verified) : foreign(verified, caller)
  }

  /** Key ids below `nextKeyId` were issued here and since retired or revoked; higher ones never existed. */
  private acceptedKey(keyId: number, now: number): SigningKey | TokenMalformed | TokenBadMac {
    const key = this.keys.get(keyId)
    if (key === undefined) {
      return keyId < this.nextKeyId ? new TokenBadMac() : new TokenMalformed({ reason: "unknown key id" })
    }
    return key.retiresAt !== null && now >= key.retiresAt ? new TokenBadMac() : key
  }

  private macMatches(key: SigningKey, parsed: ParsedToken): boolean {
    key.mac.macInto(parsed.bytes, parsed.macOffset, this.macOut, 0)
    // Constant time: the loop never exits early, so timing says nothing about where the MACs differ.
    let diff = 0
    for (let i = 0; i < macBytes; i++) diff |= this.macOut[i]! ^ parsed.bytes[parsed.macOffset + i]!
    return diff === 0
  }

  private forget(slot: number, error: TokenError): Result.Result<VerifiedToken, TokenError> {
    this.cache.remove(slot)
    return Result.fail(error)
  }

  /** Key n = HMAC(secret, label ‖ n): deterministic, so replicas with one secret and one history agree. */
  private addKey(): SigningKey {
    const key = this.keyFor(this.nextKeyId++, null)
    this.keys.set(key.id, key)
    return key
  }

  private keyFor(id: number, retiresAt: number | null): SigningKey {
    const info = new Uint8Array(keyLabel.length + 4)
    info.set(keyLabel)
    new DataView(info.buffer).setUint32(keyLabel.length, id)
    return { id, mac: new TokenMac(hmac(sha256, this.secret, info)), retiresAt }
  }
}

const bound = (verified: VerifiedToken, caller: string): boolean => verified.instanceId === caller

const foreign = (verified: VerifiedToken, caller: string): Result.Result<VerifiedToken, TokenError> =>
  Result.fail(new TokenForeignInstance({ tokenInstanceId: verified.instanceId, callerInstanceId: caller }))

export class Tokens extends Context.Service<
  Tokens,
  {
    /** The synchronous core, for callers that already hold the current time. */
    readonly signer: TokenSigner
    readonly issue: (instanceId: string, ttlSeconds: number) => Effect.Effect<IssuedToken>
    readonly verify: (token: string, callerInstanceId: string) => Effect.Effect<VerifiedToken, TokenError>
    readonly rotateKey: Effect.Effect<void>
    readonly revokeAll: Effect.Effect<void>
    /** The key history, to persist. */
    readonly saved: Effect.Effect<TokenKeyState>
    /** Takes over a saved key history; dies on one `exportKeysUnsafe` could not have produced. */
    readonly restore: (saved: TokenKeyState) => Effect.Effect<void>
  }
>()("@aliyun-imds/core/Tokens") {
  static readonly layerWith = (options: TokenOptions = {}): Layer.Layer<Tokens> =>
    Layer.sync(Tokens, () => Tokens.fromSigner(new TokenSigner(options)))

  /** A random secret: tokens do not survive a restart. */
  static readonly layer: Layer.Layer<Tokens> = Tokens.layerWith()

  // Plain wrappers rather than Effect.fn: verify runs per request, and a span each time is not worth it.
  static readonly fromSigner = (signer: TokenSigner): Tokens["Service"] =>
    Tokens.of({
      signer,
      issue: (instanceId, ttlSeconds) =>
        Effect.map(Clock.currentTimeMillis, (now) => signer.issueUnsafe(instanceId, ttlSeconds, now)),
      verify: (token, caller) =>
        Effect.flatMap(Clock.currentTimeMillis, (now) => Effect.fromResult(signer.verifyUnsafe(token, caller, now))),
      rotateKey: Effect.map(Clock.currentTimeMillis, (now) => signer.rotateKeyUnsafe(now)),
      revokeAll: Effect.sync(() => signer.revokeAllUnsafe()),
      saved: Effect.sync(() => signer.exportKeysUnsafe()),
      restore: (saved) => Effect.sync(() => signer.restoreKeysUnsafe(saved))
    })
}
