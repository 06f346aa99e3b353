// The matrix's world: two instances bound by source address (A is the one under test, with a RAM role, user data, a
// scheduled spot reclaim and a system event, so every path class exists; B only issues the foreign token), the
// path classes of the issue with their existence written from the spec, and the frozen instant every cell runs at.
import type { PathClass } from "./oracle.ts"

export const instanceA = "i-matrixa000000000001"
export const instanceB = "i-matrixb000000000002"
export const peerA = "127.0.0.2"
export const peerB = "127.0.0.3"
export const roleName = "MatrixRole"

export const fleetYaml = `version: 1
seed: security-matrix
unmatchedPeers: refuse
defaultInstance: ${instanceA}
instances:
  - instanceId: ${instanceA}
    sourceAddresses: ["${peerA}"]
    ramRole: { name: ${roleName} }
    userData: "#!/bin/sh\\necho matrix"
  - instanceId: ${instanceB}
    sourceAddresses: ["${peerB}"]
`

/** Cells run at this virtual instant; the short-lived token was issued exactly `shortTtlSeconds` before it. */
export const issuedAt = Date.UTC(2030, 0, 1, 0, 0, 0)
export const shortTtlSeconds = 60
export const frozenAt = issuedAt + shortTtlSeconds * 1000

const role = `/latest/meta-data/ram/security-credentials/${roleName}`
const leaf = "/latest/meta-data/instance-id"
const tokenPath = "/latest/api/token"

/** Listings, leaves and documents that exist for instance A, as clients spell them (spec §2–§9, §15). */
const tree: ReadonlyArray<PathClass> = [
  { name: "root", target: "/", exists: true },
  { name: "version without slash", target: "/latest", exists: true },
  { name: "version listing", target: "/latest/", exists: true },
  { name: "meta-data listing without slash", target: "/latest/meta-data", exists: true },
  { name: "meta-data listing", target: "/latest/meta-data/", exists: true },
  { name: "meta-data listing with a query", target: "/latest/meta-data/?x=1", exists: true },
  { name: "nested listing", target: "/latest/meta-data/network/interfaces/macs/", exists: true },
  { name: "leaf", target: leaf, exists: true },
  { name: "leaf with an empty query", target: `${leaf}?`, exists: true },
  { name: "leaf with a trailing slash", target: `${leaf}/`, exists: true },
  { name: "leaf with an ignored audience", target: `${leaf}?audience=sts.aliyuncs.com`, exists: true },
  { name: "static segments in capitals", target: leaf.toUpperCase(), exists: true },
  { name: "identity document", target: "/latest/dynamic/instance-identity/document", exists: true },
  { name: "pkcs7", target: "/latest/dynamic/instance-identity/pkcs7", exists: true },
  {
    name: "pkcs7 with audience",
    target: "/latest/dynamic/instance-identity/pkcs7?audience=sts.aliyuncs.com",
    exists: true
  },
  { name: "user-data", target: "/latest/user-data", exists: true },
  { name: "user-data with a trailing slash", target: "/latest/user-data/", exists: true },
  { name: "role listing", target: "/latest/meta-data/ram/security-credentials/", exists: true },
  { name: "role listing without slash", target: "/latest/meta-data/ram/security-credentials", exists: true },
  { name: "role credentials", target: role, exists: true },
  { name: "role credentials as Ram/", target: role.replace("/ram/", "/Ram/"), exists: true },
  { name: "spot termination time", target: "/latest/meta-data/instance/spot/termination-time", exists: true },
  { name: "system events", target: "/latest/maintenance/active-system-events", exists: true },
  { name: "meta-data/all", target: "/latest/meta-data/all", exists: true },
  { name: "2016-01-01 version listing", target: "/2016-01-01/", exists: true },
  { name: "2016-01-01 listing", target: "/2016-01-01/meta-data/", exists: true },
  { name: "2016-01-01 leaf", target: "/2016-01-01/meta-data/instance-id", exists: true },
  { name: "2016-01-01 role credentials", target: role.replace("/latest/", "/2016-01-01/"), exists: true },
  { name: "2016-01-01 pkcs7", target: "/2016-01-01/dynamic/instance-identity/pkcs7", exists: true }
]

/** Names the tree does not have for instance A: a role's name keeps its case, unlike the static segments. */
const unknown: ReadonlyArray<PathClass> = [
  { name: "another role's credentials", target: role.replace(roleName, "NoSuchRole"), exists: false },
  { name: "role name in another case", target: role.replace(roleName, roleName.toLowerCase()), exists: false },
  { name: "unknown item", target: "/latest/meta-data/no-such-item", exists: false },
  { name: "unknown version", target: "/nope", exists: false }
]

/**
 * Targets the URL rules reshape: dot segments (literal or encoded) and backslashes are read as WHATWG URL reads them
 * before routing, static segments (the version too) are percent-decoded, and empty segments, encoded slashes, NULs and
 * bad escapes name nothing.
 */
const spelled: ReadonlyArray<PathClass> = [
  { name: "dot-dot segment", target: "/latest/meta-data/../meta-data/instance-id", exists: true },
  { name: "dot segment", target: "/latest/./meta-data/instance-id", exists: true },
  { name: "dot-dot segment onto a listing", target: "/latest/meta-data/ram/../", exists: true },
  { name: "encoded dot-dot segment", target: "/latest/meta-data/%2e%2e/meta-data/instance-id", exists: true },
  { name: "encoded dot segment", target: "/latest/%2E/meta-data/instance-id", exists: true },
  { name: "double slash inside", target: "/latest//meta-data/instance-id", exists: false },
  { name: "double slash leading", target: `/${leaf}`, exists: false },
  { name: "percent-encoded letter", target: "/latest/meta-data/instance%2Did", exists: true },
  { name: "percent-encoded letter in the version", target: "/%6Catest/meta-data/instance-id", exists: true },
  { name: "backslashes for slashes", target: "/latest\\meta-data\\instance-id", exists: true },
  { name: "percent-encoded slash", target: "/latest/meta-data/ram%2Fsecurity-credentials/", exists: false },
  { name: "percent-encoded NUL", target: `${leaf}%00`, exists: false },
  { name: "invalid percent escape", target: "/latest/meta-data/%zz", exists: false }
]

/** The token paths; `exists` is what a read of them finds in the metadata tree (nothing). */
const tokenPaths: ReadonlyArray<PathClass> = [
  { name: "token path", target: tokenPath, exists: false },
  { name: "token path with an empty query", target: `${tokenPath}?`, exists: false },
  { name: "token path in capitals with a slash", target: "/Latest/API/Token/", exists: false },
  { name: "token path through a dot-dot segment", target: "/latest/api/x/../token", exists: false },
  { name: "token path with two trailing slashes", target: `${tokenPath}//`, exists: false },
  { name: "token path behind a double slash", target: `/${tokenPath}`, exists: false },
  { name: "token path with the shortest TTL", target: tokenPath, exists: false, ttl: "1" },
  { name: "token path without a TTL", target: tokenPath, exists: false, ttl: null },
  { name: "token path with TTL 0", target: tokenPath, exists: false, ttl: "0" },
  { name: "token path with TTL 21601", target: tokenPath, exists: false, ttl: "21601" },
  { name: "token path with a decimal TTL", target: tokenPath, exists: false, ttl: "60.0" },
  { name: "token path with a signed TTL", target: tokenPath, exists: false, ttl: "-60" },
  { name: "versioned token path", target: "/2016-01-01/api/token", exists: false }
]

export const pathClasses: ReadonlyArray<PathClass> = [...tree, ...unknown, ...spelled, ...tokenPaths]
