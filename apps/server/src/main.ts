// Entry shared by main.node.ts and main.bun.ts: parse the serve flags (ServeFlags.ts), start, print both URLs, stop on
// SIGINT/SIGTERM.
import { parseArgs } from "node:util"
import { type LogLevel, logLevels } from "./Log.ts"
import { type ServeFlag, serveFlags } from "./ServeFlags.ts"
import type { ServerOptions } from "./ServerOptions.ts"
import { serveUntilSignalled } from "./serveProcess.ts"
import { startServer } from "./startServer.ts"

const flagEntries = Object.entries(serveFlags) as ReadonlyArray<[keyof typeof serveFlags, ServeFlag]>

const valueName = (f: ServeFlag): string =>
  f.kind === "choice"
    ? ` ${f.values.join("|")}`
    : f.kind === "port"
      ? " N"
      : f.kind === "seconds"
        ? " SECONDS"
        : f.kind === "count"
          ? " N"
          : " VALUE"

const usage = `usage: main ${flagEntries
  .map(([, f]) => `[--${f.flag}${f.kind === "switch" ? "" : valueName(f)}]`)
  .join(" ")} [--log-level ${logLevels.join("|")}]`

const oneOf = <T extends string>(name: string, value: string | undefined, allowed: ReadonlyArray<T>): T | undefined => {
  if (value === undefined) return undefined
  if ((allowed as ReadonlyArray<string>).includes(value)) return value as T
  throw new Error(`--${name} must be one of ${allowed.join(", ")} (got "${value}")`)
}

const port = (name: string, value: string): number => {
  const n = Number(value)
  if (!/^\d+$/.test(value) || n > 65535) throw new Error(`--${name} must be a port number 0..65535 (got "${value}")`)
  return n
}

const seconds = (name: string, value: string): number => {
  const n = Number(value)
  if (value.trim() === "" || !(n > 0) || !Number.isFinite(n)) {
    throw new Error(`--${name} must be a positive number of seconds (got "${value}")`)
  }
  return n
}

const count = (name: string, value: string): number => {
  const n = Number(value)
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n) || n < 1) {
    throw new Error(`--${name} must be a whole number of at least 1 (got "${value}")`)
  }
  return n
}

/** A flag's value from the command line, checked as its kind says, or its default. */
const flagValue = (spec: ServeFlag, raw: string | boolean | undefined): string | number | boolean | undefined => {
  if (spec.kind === "switch") return raw === true ? true : undefined
  if (typeof raw === "boolean") return undefined
  if (spec.kind === "choice") return oneOf(spec.flag, raw, spec.values)
  if (spec.kind === "seconds") return raw === undefined ? undefined : seconds(spec.flag, raw)
  if (spec.kind === "count") return raw === undefined ? undefined : count(spec.flag, raw)
  if (raw === undefined) return spec.default
  return spec.kind === "port" ? port(spec.flag, raw) : raw
}

export const parseServerArgs = (argv: ReadonlyArray<string>): ServerOptions => {
  const { values }: { values: Readonly<Record<string, string | boolean | undefined>> } = parseArgs({
    args: [...argv],
    strict: true,
    options: {
      ...Object.fromEntries(
        flagEntries.map(([, f]) => [f.flag, { type: f.kind === "switch" ? ("boolean" as const) : ("string" as const) }])
      ),
      "log-level": { type: "string" }
    }
  })
  const opts: Record<string, unknown> = {
    ...Object.fromEntries(flagEntries.map(([key, f]) => [key, flagValue(f, values[f.flag])])),
    logLevel: oneOf<LogLevel>("log-level", values["log-level"] as string | undefined, logLevels)
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
