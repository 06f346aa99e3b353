// What differs when the CLI runs as the single-file binary (`bun build --compile`): no files beside the sources and
// no script to re-launch, so build-time constants stand in for them and the binary re-invokes itself.

/** Set by `bun build --compile --define` (scripts/build-binary.mjs); absent when run from source or dist. */
declare const ALIYUN_IMDS_VERSION: string | undefined
/** The exec preload's files, `{ "register.mjs": source, ... }` as JSON, set the same way. */
declare const ALIYUN_IMDS_PRELOAD: string | undefined

export const binaryVersion: string | null = typeof ALIYUN_IMDS_VERSION === "string" ? ALIYUN_IMDS_VERSION : null

/** The hidden first argument with which the binary runs the sandbox's inside instead of the CLI. */
export const sandboxInnerMarker = "__aliyun-imds-sandbox-inner"

/** The command line that runs a sibling entry script of this CLI: the script under this runtime, or the binary itself. */
export const selfCommand = (script: string, marker: string): ReadonlyArray<string> =>
  binaryVersion === null ? [process.execPath, ...process.execArgv, script] : [process.execPath, marker]

/** The exec preload's files baked into the binary, or null outside it. */
export const bakedPreload = (): Readonly<Record<string, string>> | null =>
  typeof ALIYUN_IMDS_PRELOAD === "string" ? (JSON.parse(ALIYUN_IMDS_PRELOAD) as Record<string, string>) : null
