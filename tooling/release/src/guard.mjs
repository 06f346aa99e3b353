#!/usr/bin/env node
// The `prepack` guard of every published package. A package directory holds the workspace's manifest (`workspace:*`
// ranges, source-file `exports`); only pnpm rewrites it into the published one (publishConfig, pinned versions), and
// only `pnpm release` versions, builds and publishes every package together. Plain ESM for any Node an npm user has.

const agent = process.env.npm_config_user_agent ?? ""
const command = process.env.npm_command ?? "pack"
const name = process.env.npm_package_name ?? "this package"

const refuse = (why) => {
  process.stderr.write(
    `\n${name}: ${why}\n` +
      "Publish with `pnpm release` from the repository root (changesets version, build, then pnpm publish -r);\n" +
      "to look at a tarball, run `pnpm pack` in the package directory.\n\n"
  )
  process.exit(1)
}

if (!agent.startsWith("pnpm/")) {
  const tool = agent.split(" ")[0] || "this tool"
  refuse(`refusing to ${command} with ${tool}: it would ship workspace:* ranges and source-file exports.`)
}
if (command === "publish" && process.env.ALIYUN_IMDS_RELEASE !== "1") {
  refuse("refusing to publish one package on its own: releases are versioned and published together.")
}
