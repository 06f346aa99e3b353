// Where the fleet comes from: a YAML/JSON file (read again on reload), an in-memory config, or one generated
// default instance. Command-line defaults (seed, HttpTokens, HttpEndpoint) apply to what the file leaves unset.
import { readFile } from "node:fs/promises"
import { extname } from "node:path"
import { decodeFleetResult, defaultFleet, type FleetConfig, type FleetInvalid, fleetOverlaps } from "@aliyun-imds/core"
import { Result } from "effect"
import type { Logger } from "./Log.ts"
import type { ServerOptions } from "./ServerOptions.ts"

export class FleetLoadError extends Error {
  override readonly name = "FleetLoadError"
  readonly invalid: FleetInvalid | null
  constructor(message: string, invalid: FleetInvalid | null) {
    super(message)
    this.invalid = invalid
  }
}

export interface FleetSource {
  /** A human description for logs (`fleet.yaml`, `built-in default instance`). */
  readonly describe: string
  /** Reads and validates the fleet; rejects with FleetLoadError naming the field. */
  readonly load: () => Promise<FleetConfig>
}

const metadataOptionsOf = (options: ServerOptions) => ({
  ...(options.httpTokens ? { HttpTokens: options.httpTokens } : {}),
  ...(options.httpEndpoint ? { HttpEndpoint: options.httpEndpoint } : {})
})

export const fleetSource = (options: ServerOptions): FleetSource => {
  const { configPath, fleet } = options
  if (fleet !== undefined) return { describe: "in-memory fleet", load: async () => fleet }
  if (configPath === undefined) {
    return {
      describe: "built-in default instance",
      load: async () => defaultFleet(options.seed, metadataOptionsOf(options))
    }
  }
  const format = extname(configPath).toLowerCase() === ".json" ? "json" : "yaml"
  return {
    describe: configPath,
    load: async () => {
      const text = await readFile(configPath, "utf8").catch((error: NodeJS.ErrnoException) => {
        throw new FleetLoadError(`cannot read fleet file ${configPath}: ${error.code ?? error.message}`, null)
      })
      const decoded = decodeFleetResult(text, format, {
        seed: options.seed,
        metadataOptions: metadataOptionsOf(options)
      })
      if (Result.isFailure(decoded)) {
        const e = decoded.failure
        throw new FleetLoadError(`invalid fleet file ${configPath}: ${e.path}: ${e.message}`, e)
      }
      return decoded.success
    }
  }
}

/**
 * Logs each block of the fleet that contains another instance's longer one (the longer prefix wins; docs/fleet.md)
 * as a warning naming both instances and both ranges, and returns the warnings' sentences. A range bound to two
 * instances never gets here: decoding refuses it.
 */
export const logBindingWarnings = (log: Logger, config: FleetConfig): Array<string> =>
  fleetOverlaps(config.instances).flatMap((o) => {
    if (o.severity === "error") return []
    log.log("warn", "address bindings overlap: the longer prefix wins", {
      entry: o.outer.path,
      outer: o.outer.text,
      outerInstanceId: o.outer.instanceId,
      inner: o.inner.text,
      innerInstanceId: o.inner.instanceId,
      detail: o.message
    })
    return [`${o.outer.path}: ${o.message}`]
  })
