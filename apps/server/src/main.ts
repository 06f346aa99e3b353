// Entry shared by main.node.ts and main.bun.ts: parse a few flags, start, print both URLs, stop on SIGINT/SIGTERM.
import { parseArgs } from "node:util"
import { type LogLevel, logLevels } from "./Log.ts"
import type { ServerOptions } from "./ServerOptions.ts"
import { serveUntilSignalled } from "./serveProcess.ts"
import { startServer } from "./startServer.ts"

const usage = `usage: main [--host H] [--port N] [--admin-host H] [--admin-port N] [--admin-token T] [--config FILE]
            [--seed S] [--http-tokens optional|required] [--http-endpoint enabled|disabled] [--log-level L]`

const oneOf = <T extends string>(name: string, value: string | undefined, allowed: ReadonlyArray<T>): T | undefined => {
  if (value === undefined) return undefined
  if ((allowed as ReadonlyArray<string>).includes(value)) return value as T
  throw new Error(`--${name} must be one of ${allowed.join(", ")} (got "${value}")`)
}

const port = (name: string, value: string | undefined): number | undefined => {
  if (value === undefined) return undefined
  const n = Number(value)
  if (!/^\d+$/.test(value) || n > 65535) throw new Error(`--${name} must be a port number 0..65535 (got "${value}")`)
  return n
}

export const parseServerArgs = (argv: ReadonlyArray<string>): ServerOptions => {
  const { values } = parseArgs({
    args: [...argv],
    strict: true,
    options: {
      host: { type: "string" },
      port: { type: "string" },
      "admin-host": { type: "string" },
      "admin-port": { type: "string" },
      "admin-token": { type: "string" },
      config: { type: "string" },
      seed: { type: "string" },
      "http-tokens": { type: "string" },
      "http-endpoint": { type: "string" },
      "log-level": { type: "string" }
    }
  })
  const opts: Record<string, unknown> = {
    host: values.host ?? "127.0.0.1",
    port: port("port", values.port) ?? 8100,
    adminHost: values["admin-host"],
    adminPort: port("admin-port", values["admin-port"]) ?? 8101,
    adminToken: values["admin-token"],
    configPath: values.config,
    seed: values.seed,
    httpTokens: oneOf("http-tokens", values["http-tokens"], ["optional", "required"] as const),
    httpEndpoint: oneOf("http-endpoint", values["http-endpoint"], ["enabled", "disabled"] as const),
    logLevel: oneOf<LogLevel>("log-level", values["log-level"], logLevels)
  }
  return Object.fromEntries(Object.entries(opts).filter(([, v]) => v !== undefined)) as ServerOptions
}

export const main = async (argv: ReadonlyArray<string>): Promise<void> => {
  let options: ServerOptions
  try {
    options = parseServerArgs(argv)
  } catch (error) {
    process.stderr.write(`error: ${(error as Error).message}\n${usage}\n`)
    process.exit(2)
  }
  try {
    serveUntilSignalled(await startServer(options))
  } catch (error) {
    process.stderr.write(`error: ${(error as Error).message}\n`)
    process.exit(1)
  }
}
