// The expected status of any data-plane request, written from the spec's status rules (spec §10, design.md "Status
// codes") and nothing of the server's code: endpoint switch, then the token route, then the metadata route with its
// method, token and HttpTokens checks, and only then whether the path exists. A path's existence must never show
// before the access check: an unknown path read without a token in forced hardened mode is 403, not 404.

export const methods = ["GET", "HEAD", "PUT", "POST", "DELETE"] as const
export type Method = (typeof methods)[number]

export const tokenKinds = ["none", "valid", "expired", "foreign", "tampered", "malformed", "forwarded"] as const
/** What a request carries: no token, a token in some state, or no token but `X-Forwarded-For`. */
export type TokenKind = (typeof tokenKinds)[number]

export type HttpTokens = "optional" | "required"
export type HttpEndpoint = "enabled" | "disabled"

export interface PathClass {
  readonly name: string
  /** The request target exactly as a client sends it. */
  readonly target: string
  /** Whether the path names something for the matrix's instance (written by hand from the spec). */
  readonly exists: boolean
  /** The TTL header the request carries: 21600 unless given, none when null. */
  readonly ttl?: string | null
}

export interface Cell {
  readonly path: PathClass
  readonly method: Method
  readonly httpTokens: HttpTokens
  readonly httpEndpoint: HttpEndpoint
  readonly token: TokenKind
}

export interface Expected {
  readonly status: number
  /** The `Allow` header a 405 carries. */
  readonly allow?: string
  /** What a 200 is: a fresh token, or the rendered metadata. */
  readonly body?: "token" | "metadata"
}

/**
 * RFC 3986 §6.2.2.2: an escaped letter, digit, `-`, `_` or `~` is that character (`.` is left to the URL parser's dot
 * segments). A path with a `%` that starts no escape is left as it is: nothing routes on it.
 */
export const unreservedDecoded = (path: string): string =>
  /%(?![0-9A-Fa-f]{2})/.test(path)
    ? path
    : path.replace(/%([0-9A-Fa-f]{2})/g, (encoded, hex: string) => {
        const c = String.fromCharCode(Number.parseInt(hex, 16))
        return /^[A-Za-z0-9_~-]$/.test(c) ? c : encoded
      })

/** The path the service routes on: dot segments resolved as every HTTP stack does, unreserved characters decoded,
 * query dropped. */
export const routedPath = (target: string): string => unreservedDecoded(new URL(`http://imds${target}`).pathname)

/** `/latest/api/token`, matched as the service matches static segments: any case, trailing slash tolerated. */
const routeOf = (target: string): "token" | "versioned-token" | "metadata" => {
  const path = routedPath(target)
    .toLowerCase()
    .replace(/(.)\/$/, "$1")
  if (path === "/latest/api/token") return "token"
  if (path === "/2016-01-01/api/token") return "versioned-token"
  return "metadata"
}

const refusedTokens: ReadonlySet<TokenKind> = new Set(["expired", "foreign", "tampered", "malformed"])

/** The TTL header a token PUT sends (`undefined`: the default 21600). */
export const ttlOf = (path: PathClass): string | null => (path.ttl === undefined ? "21600" : path.ttl)

/** A TTL the token PUT accepts: whole seconds from 1 to 21600 (missing, 0, decimals, signs and exponents are 400). */
const acceptedTtl = (ttl: string | null): boolean => ttl !== null && /^[0-9]+$/.test(ttl) && +ttl >= 1 && +ttl <= 21_600

export const expectedOf = (cell: Cell): Expected => {
  if (cell.httpEndpoint === "disabled") return { status: 403 }
  const route = routeOf(cell.path.target)
  if (route === "token") {
    // The token PUT works in both HttpTokens modes, whatever token header it carries; a proxied one is refused
    // before its TTL is read.
    if (cell.method !== "PUT") return { status: 405, allow: "PUT" }
    if (cell.token === "forwarded") return { status: 403 }
    return acceptedTtl(ttlOf(cell.path)) ? { status: 200, body: "token" } : { status: 400 }
  }
  // The versioned token path refuses PUTs (server default 404); any other method reads it as metadata.
  if (route === "versioned-token" && cell.method === "PUT") return { status: 404 }
  if (cell.method !== "GET" && cell.method !== "HEAD") return { status: 405, allow: "GET, HEAD" }
  // A token that is sent is checked even when HttpTokens=optional would have served the read without one.
  if (refusedTokens.has(cell.token)) return { status: 401 }
  if (cell.token !== "valid" && cell.httpTokens === "required") return { status: 403 }
  return cell.path.exists ? { status: 200, body: "metadata" } : { status: 404 }
}
