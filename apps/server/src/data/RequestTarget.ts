// Splits a request URL into the raw path and query (never decoded here: the tree refuses encoded slashes and NULs
// itself), and classifies the path as the token endpoint, the versioned token path, or the metadata tree.
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

export const requestTarget = (url: string): RequestTarget => {
  // Bun hands over the bare origin-form target (`/latest/…`) when a request has no usable Host (HTTP/1.0).
  const start = url.charCodeAt(0) === 47 ? 0 : url.indexOf("/", url.indexOf("//") + 2)
  if (start === -1) return { path: "/", query: "", kind: "metadata" }
  const q = url.indexOf("?", start)
  const path = q === -1 ? url.slice(start) : url.slice(start, q)
  return { path, query: q === -1 ? "" : url.slice(q + 1), kind: classify(path) }
}
