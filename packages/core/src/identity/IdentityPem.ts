// PEM armour for the identity material: base64 of DER between BEGIN/END lines, wrapped at 64 columns (RFC 7468).
// Decoding is lenient about the label and whitespace so persisted files edited by hand still load.
import { Result } from "effect"
import { Base64 } from "effect/encoding"

export const pemEncode = (label: string, der: Uint8Array): string => {
  const body = Base64.encode(der)
  const lines: Array<string> = []
  for (let i = 0; i < body.length; i += 64) lines.push(body.slice(i, i + 64))
  return `-----BEGIN ${label}-----\n${lines.join("\n")}\n-----END ${label}-----\n`
}

const armour = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/

/** The DER inside the first PEM block, or null when there is no block or its body is not base64. */
export const pemDecode = (pem: string): { readonly label: string; readonly der: Uint8Array<ArrayBuffer> } | null => {
  const match = armour.exec(pem)
  if (match === null) return null
  const decoded = base64Decode(match[2] ?? "")
  return decoded === null ? null : { label: match[1] ?? "", der: decoded }
}

/** Base64 (standard alphabet) ignoring whitespace; null when malformed. */
export const base64Decode = (text: string): Uint8Array<ArrayBuffer> | null => {
  const result = Base64.decode(text.replace(/\s+/g, ""))
  // Copied into a plain ArrayBuffer, the only backing WebCrypto's BufferSource accepts.
  return Result.isSuccess(result) ? new Uint8Array(result.success) : null
}
