// The STS credentials of an instance RAM role (spec §9): a deterministic series where credential k appears at
// anchor + k·(V−O) and expires V later, so each new one shows up O before its predecessor expires and both work
// meanwhile. Values come from HMAC-SHA256 over a secret, so any replica serves (and can verify) the same keys.
import { hmac } from "@noble/hashes/hmac.js"
import { sha256 } from "@noble/hashes/sha2.js"
import { Clock, Effect } from "effect"
import { utcSeconds } from "../clock/UtcTime.ts"
import type { RoleState } from "../fleet/InstanceState.ts"

export interface CredentialSeries {
  readonly role: RoleState
  readonly instanceId: string
  /** Derivation key (FleetStore's credential secret). */
  readonly secret: Uint8Array
}

export interface RamCredential {
  /** Position k in the series. */
  readonly index: number
  readonly accessKeyId: string
  readonly accessKeySecret: string
  readonly securityToken: string
  readonly lastUpdatedMs: number
  readonly expirationMs: number
}

const ALPHANUMERIC = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
/** Largest multiple of 62 below 256: bytes at or above it are skipped so every character is equally likely. */
const UNBIASED_LIMIT = 248
/** Real tokens are base64 of a protobuf starting 08 02 12, hence the `CAIS` prefix; 480 bytes → 640 characters. */
const TOKEN_PREFIX = [0x08, 0x02, 0x12]
const TOKEN_BYTES = 480

const encoder = new TextEncoder()

/** V − O in ms; at least one second so a misconfigured overlap ≥ validity cannot stall the series. */
const stepMs = (role: RoleState): number => Math.max(1, role.validitySeconds - role.overlapSeconds) * 1000

/**
 * The index served at `now`: the newest credential whose LastUpdated ≤ now. Before the anchor (the virtual clock set
 * back past it) the index is negative: the series runs backwards too, so a served credential is never from the future.
 */
export const credentialIndexAt = (role: RoleState, now: number): number =>
  Math.floor((now - role.anchorMs) / stepMs(role))

const lastUpdatedOf = (role: RoleState, index: number): number => role.anchorMs + index * stepMs(role)

export const credentialAt = (series: CredentialSeries, index: number): RamCredential => {
  const block = (label: string, counter: number) =>
    hmac(
      sha256,
      series.secret,
      encoder.encode(
        `${series.instanceId}\u0000${series.role.name}\u0000${series.role.generation}\u0000${index}\u0000${label}\u0000${counter}`
      )
    )
  const lastUpdatedMs = lastUpdatedOf(series.role, index)
  return {
    index,
    accessKeyId: `STS.${alphanumerics(block, "AccessKeyId", 25)}`,
    accessKeySecret: alphanumerics(block, "AccessKeySecret", 44),
    securityToken: securityToken(block),
    lastUpdatedMs,
    expirationMs: lastUpdatedMs + series.role.validitySeconds * 1000
  }
}

type Block = (label: string, counter: number) => Uint8Array

const alphanumerics = (block: Block, label: string, length: number): string => {
  let out = ""
  for (let counter = 0; out.length < length; counter++) {
    for (const byte of block(label, counter)) {
      if (byte < UNBIASED_LIMIT) out += ALPHANUMERIC[byte % 62]
      if (out.length === length) break
    }
  }
  return out
}

const securityToken = (block: Block): string => {
  const bytes = new Uint8Array(TOKEN_BYTES)
  bytes.set(TOKEN_PREFIX)
  for (let offset = TOKEN_PREFIX.length, counter = 0; offset < TOKEN_BYTES; counter++) {
    const chunk = block("SecurityToken", counter).subarray(0, TOKEN_BYTES - offset)
    bytes.set(chunk, offset)
    offset += chunk.length
  }
  return btoa(String.fromCharCode(...bytes))
}

/** The credential served at `now`. */
export const credentialsAt = (series: CredentialSeries, now: number): RamCredential =>
  credentialAt(series, credentialIndexAt(series.role, now))

/** Credentials of one series handed out no later than `until` (and from index `first` on), valid at `now`, newest first. */
const validInSeries = (series: CredentialSeries, now: number, until: number, first: number): Array<RamCredential> => {
  const valid: Array<RamCredential> = []
  const { role } = series
  // Ends at the first expired credential: at most validity / step + 1 steps.
  for (let index = credentialIndexAt(role, Math.min(now, until)); index >= first; index--) {
    const lastUpdatedMs = lastUpdatedOf(role, index)
    if (lastUpdatedMs + role.validitySeconds * 1000 <= now) break
    if (lastUpdatedMs <= now && lastUpdatedMs <= until) valid.push(credentialAt(series, index))
  }
  return valid
}

/**
 * Every credential valid at `now` (LastUpdated ≤ now < Expiration), newest first: two during an overlap, and after
 * a forced rotation also the earlier series' keys until they expire, as STS keys do.
 */
export const validCredentialsAt = (series: CredentialSeries, now: number): ReadonlyArray<RamCredential> => [
  // The series runs backwards only while the clock is before its anchor; from the anchor on it starts at index 0.
  ...validInSeries(series, now, Number.POSITIVE_INFINITY, now < series.role.anchorMs ? Number.NEGATIVE_INFINITY : 0),
  ...series.role.retired.flatMap((r) =>
    validInSeries(
      { ...series, role: { ...series.role, generation: r.generation, anchorMs: r.anchorMs, retired: [] } },
      now,
      r.endedMs,
      // A retired series was served from its anchor to its end only.
      0
    )
  )
]

export const isCredentialValid = (accessKeyId: string, series: CredentialSeries, now: number): boolean =>
  validCredentialsAt(series, now).some((credential) => credential.accessKeyId === accessKeyId)

/** The exact body of `ram/security-credentials/<role>` (spec §9): pretty JSON, ` : `, fixed key order, no newline. */
export const renderCredentials = (credential: RamCredential, leadingSpace: boolean): string =>
  `${leadingSpace ? " " : ""}{\n` +
  `  "AccessKeyId" : "${credential.accessKeyId}",\n` +
  `  "AccessKeySecret" : "${credential.accessKeySecret}",\n` +
  `  "Expiration" : "${utcSeconds(credential.expirationMs)}",\n` +
  `  "SecurityToken" : "${credential.securityToken}",\n` +
  `  "LastUpdated" : "${utcSeconds(credential.lastUpdatedMs)}",\n` +
  `  "Code" : "Success"\n` +
  `}`

/** The credential served now, on the Effect `Clock` (the virtual clock in the emulator, TestClock in tests). */
export const currentCredentials = (series: CredentialSeries): Effect.Effect<RamCredential> =>
  Effect.map(Clock.currentTimeMillis, (now) => credentialsAt(series, now))
