// Splits a request URL into the path and the raw query, and classifies the path as the token endpoint, the versioned
// token path, or the metadata tree. The path is decoded only where RFC 3986 (§6.2.2.2) says the spelling changes
// nothing, percent-encoded letters, digits, `-`, `_` and `~`, so `/%6Catest/api/%74oken` is the token path; anything
// else stays encoded (the tree refuses encoded slashes and NULs itself, and `.` stays encoded so that no dot segment
// can appear after the URL parser resolved them).
export interface RequestTarget {
  readonly path: string
  readonly query: string
  readonly kind: "token" | "versioned-token" | "metadata"
}

const classify = (path: string): RequestTarget["kind"] => {
  if (path.length < 17 || path.length > 22) return "metadata"
  if (path === "/latest/api/token") return "token"
  const p = path.toLowerCase()
  if (p === "/latest/api/token" || p === "/latest/api/token/") return "token"
  if (p === "/2016-01-01/api/token" || p === "/2016-01-01/api/token/") return "versioned-token"
  return "metadata"
}

/** The character a `%XX` escape stands for when it is unreserved (but not `.`), else the escape as it was. */
const unreservedOrEscape = (encoded: string): string => {
  const c = String.fromCharCode(Number.parseInt(encoded.slice(1), 16))
  return /[A-Za-z0-9_~-]/.test(c) ? c : encoded
}

/** A `%` that starts no valid escape leaves the path as it is (the tree refuses it), so decoding forms no new escape. */
const decodeUnreserved = (path: string): string =>
  !path.includes("%") || /%(?![0-9A-Fa-f]{2})/.test(path) ? path : path.replace(/%[0-9A-Fa-f]{2}/g, unreservedOrEscape)

export const requestTarget = (url: string): RequestTarget => {
  // Bun hands over the bare origin-form target (`/latest/…`) when a request has no usable Host (HTTP/1.0).
  const start = url.charCodeAt(0) === 47 ? 0 : url.indexOf("/", url.indexOf("//") + 2)
  if (start === -1) return { path: "/", query: "", kind: "metadata" }
  const q = url.indexOf("?", start)
  const path = decodeUnreserved(q === -1 ? url.slice(start) : url.slice(start, q))
  return { path, query: q === -1 ? "" : url.slice(q + 1), kind: classify(path) }
}
