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

export const pathClasses: ReadonlyArray<PathClass> = [
  { name: "root", target: "/", exists: true },
  { name: "version without slash", target: "/latest", exists: true },
  { name: "version listing", target: "/latest/", exists: true },
  { name: "meta-data listing without slash", target: "/latest/meta-data", exists: true },
  { name: "meta-data listing", target: "/latest/meta-data/", exists: true },
  { name: "nested listing", target: "/latest/meta-data/network/interfaces/macs/", exists: true },
  { name: "leaf", target: "/latest/meta-data/instance-id", exists: true },
  { name: "leaf with an empty query", target: "/latest/meta-data/instance-id?", exists: true },
  { name: "identity document", target: "/latest/dynamic/instance-identity/document", exists: true },
  { name: "pkcs7", target: "/latest/dynamic/instance-identity/pkcs7", exists: true },
  {
    name: "pkcs7 with audience",
    target: "/latest/dynamic/instance-identity/pkcs7?audience=sts.aliyuncs.com",
    exists: true
  },
  { name: "user-data", target: "/latest/user-data", exists: true },
  { name: "role listing", target: "/latest/meta-data/ram/security-credentials/", exists: true },
  { name: "role credentials", target: role, exists: true },
  { name: "role credentials as Ram/", target: role.replace("/ram/", "/Ram/"), exists: true },
  {
    name: "another role's credentials",
    target: "/latest/meta-data/ram/security-credentials/NoSuchRole",
    exists: false
  },
  { name: "spot termination time", target: "/latest/meta-data/instance/spot/termination-time", exists: true },
  { name: "system events", target: "/latest/maintenance/active-system-events", exists: true },
  { name: "meta-data/all", target: "/latest/meta-data/all", exists: true },
  { name: "2016-01-01 leaf", target: "/2016-01-01/meta-data/instance-id", exists: true },
  { name: "2016-01-01 listing", target: "/2016-01-01/meta-data/", exists: true },
  { name: "unknown item", target: "/latest/meta-data/no-such-item", exists: false },
  { name: "unknown version", target: "/nope", exists: false },
  { name: "dot-dot segment", target: "/latest/meta-data/../meta-data/instance-id", exists: true },
  { name: "dot segment", target: "/latest/./meta-data/instance-id", exists: true },
  { name: "double slash inside", target: "/latest//meta-data/instance-id", exists: false },
  { name: "double slash leading", target: "//latest/meta-data/instance-id", exists: false },
  { name: "percent-encoded letter", target: "/latest/meta-data/instance%2Did", exists: true },
  { name: "percent-encoded slash", target: "/latest/meta-data/ram%2Fsecurity-credentials/", exists: false },
  { name: "token path", target: "/latest/api/token", exists: false },
  { name: "token path in capitals with a slash", target: "/Latest/API/Token/", exists: false },
  { name: "versioned token path", target: "/2016-01-01/api/token", exists: false }
]
