// The two ways the official SDKs sign an ECS API request, computed exactly as @alicloud/openapi-core@1.0.8 does
// (src/utils.ts): ACS3-HMAC-SHA256 (the default: a canonical request over the method, path, query, the x-acs-*,
// host and content-type headers and the body's SHA-256) and the older RPC HMAC-SHA1 (signatureAlgorithm "v2").
import { hmac } from "@noble/hashes/hmac.js"
import { sha1 } from "@noble/hashes/legacy.js"
import { sha256 } from "@noble/hashes/sha2.js"
import { bytesToHex } from "@noble/hashes/utils.js"

const encoder = new TextEncoder()

/** RFC 3986 percent-encoding, the SDK's `encode`: encodeURIComponent plus `! ' ( ) *`. */
export const percentEncode = (value: string): string =>
  encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)

export const acs3Algorithm = "ACS3-HMAC-SHA256"

export const sha256Hex = (bytes: Uint8Array): string => bytesToHex(sha256(bytes))

/** What the ACS3 canonical request is built from, as the server received it. */
export interface Acs3Parts {
  readonly method: string
  readonly path: string
  /** Decoded query parameters. */
  readonly query: Readonly<Record<string, string>>
  /** Lower-case names, in the order the Authorization header lists them. */
  readonly signedHeaders: ReadonlyArray<string>
  readonly header: (name: string) => string | undefined
  /** Hex SHA-256 of the body bytes. */
  readonly payloadHash: string
}

/** Keys sorted by UTF-16 code unit (JavaScript's default sort), values percent-encoded, keys as they are. */
const canonicalQuery = (query: Readonly<Record<string, string>>): string =>
  Object.keys(query)
    .sort()
    .map((key) => `${key}=${percentEncode(query[key]!)}`)
    .join("&")

export const acs3CanonicalRequest = (parts: Acs3Parts): string => {
  const uri = parts.path.replace(/\+/g, "%20").replace(/\*/g, "%2A").replace(/%7E/g, "~")
  const headers = parts.signedHeaders.map((name) => `${name}:${(parts.header(name) ?? "").trim()}\n`).join("")
  return [
    parts.method,
    uri,
    canonicalQuery(parts.query),
    headers,
    parts.signedHeaders.join(";"),
    parts.payloadHash
  ].join("\n")
}

export const acs3StringToSign = (canonicalRequest: string): string =>
  `${acs3Algorithm}\n${sha256Hex(encoder.encode(canonicalRequest))}`

/** Lower-case hex HMAC-SHA256 of the string to sign, keyed by the AccessKey secret. */
export const acs3Signature = (secret: string, stringToSign: string): string =>
  bytesToHex(hmac(sha256, encoder.encode(secret), encoder.encode(stringToSign)))

export interface Acs3Authorization {
  readonly accessKeyId: string
  readonly signedHeaders: ReadonlyArray<string>
  readonly signature: string
}

const authorizationPattern = /^ACS3-HMAC-SHA256 Credential=([^,\s]+),SignedHeaders=([^,\s]*),Signature=([0-9a-f]+)$/

/** `ACS3-HMAC-SHA256 Credential=…,SignedHeaders=a;b,Signature=…`; null when it is not that shape. */
export const parseAcs3Authorization = (value: string): Acs3Authorization | null => {
  const match = authorizationPattern.exec(value.trim())
  if (match === null) return null
  return {
    accessKeyId: match[1]!,
    signedHeaders: match[2] === "" ? [] : match[2]!.split(";"),
    signature: match[3]!
  }
}

/** `METHOD&%2F&<encoded canonical query>` over every parameter but `Signature`, keys and values encoded. */
export const rpcStringToSign = (method: string, params: Readonly<Record<string, string>>): string => {
  const canonical = Object.keys(params)
    .filter((key) => key !== "Signature")
    .sort()
    .map((key) => `${percentEncode(key)}=${percentEncode(params[key]!)}`)
    .join("&")
  return `${method}&${percentEncode("/")}&${percentEncode(canonical)}`
}

/** Base64 HMAC-SHA1 keyed by `secret&`. */
export const rpcSignature = (secret: string, stringToSign: string): string =>
  btoa(String.fromCharCode(...hmac(sha1, encoder.encode(`${secret}&`), encoder.encode(stringToSign))))

/** Compares in time independent of where the strings differ (their lengths are not secret). */
export const sameSignature = (a: string, b: string): boolean => {
  if (a.length !== b.length) return false
  let diff = 0
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i)
  return diff === 0
}
