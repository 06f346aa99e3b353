// The serve flags on the command line, derived from the server's one flag table (ServeFlags.ts): every command that
// starts an emulator (`serve`, `sandbox`, `check`, `exec`) takes the same flags, so a new table entry reaches them all.
import type { ServerOptions } from "@aliyun-imds/server"
import { type ServeFlag, serveFlagHelp, serveFlags } from "@aliyun-imds/server/serve-flags"
import { Config, Option } from "effect"
import { Flag } from "effect/cli"

type Spec<K extends ServeFlag["kind"]> = Extract<ServeFlag, { kind: K }>
export type ServeKey = keyof typeof serveFlags

/** A text flag of the serve table: its variable as fallback, then its default, or optional without one. */
const text = (spec: Spec<"text">) => {
  const flag = Flag.String(spec.flag).pipe(Flag.withDescription(serveFlagHelp(spec)))
  const withEnv = spec.env === undefined ? flag : flag.pipe(Flag.withFallbackConfig(Config.String(spec.env)))
  return spec.default === undefined ? withEnv.pipe(Flag.optional) : withEnv.pipe(Flag.withDefault(spec.default))
}

/** A port flag: its variable as fallback, then its default; with `own`, that default alone (no variable). */
const port = (spec: Spec<"port">, own?: number) => {
  const flag = Flag.Int(spec.flag).pipe(
    Flag.withDescription(
      own === undefined ? serveFlagHelp(spec) : `${spec.description} (default ${own}; 0 picks a free port)`
    ),
    Flag.filter(
      (n) => n >= 0 && n <= 65_535,
      () => "a port number 0..65535 (0 picks a free port)"
    )
  )
  return own === undefined
    ? flag.pipe(Flag.withFallbackConfig(Config.Int(spec.env ?? spec.flag)), Flag.withDefault(spec.default))
    : flag.pipe(Flag.withDefault(own))
}

const choice = (spec: Spec<"choice">) =>
  Flag.Literals(spec.flag, spec.values).pipe(Flag.withDescription(serveFlagHelp(spec)), Flag.optional)

const switchFlag = (spec: Spec<"switch">) =>
  Flag.Boolean(spec.flag).pipe(Flag.withDescription(serveFlagHelp(spec)), Flag.withDefault(false))

const seconds = (spec: Spec<"seconds">) =>
  Flag.Finite(spec.flag).pipe(
    Flag.withDescription(serveFlagHelp(spec)),
    Flag.filter(
      (n) => n > 0,
      () => "a positive number of seconds"
    ),
    Flag.optional
  )

const count = (spec: Spec<"count">) =>
  Flag.Int(spec.flag).pipe(
    Flag.withDescription(serveFlagHelp(spec)),
    Flag.filter(
      (n) => n >= 1,
      () => "a whole number of at least 1"
    ),
    Flag.optional
  )

const cliFlag = (spec: ServeFlag, ownPort?: number): Flag.Flag<unknown> => {
  switch (spec.kind) {
    case "port":
      return port(spec, ownPort)
    case "choice":
      return choice(spec)
    case "switch":
      return switchFlag(spec)
    case "seconds":
      return seconds(spec)
    case "count":
      return count(spec)
    case "text":
      return text(spec)
  }
}

/** The serve flags that take a port. */
export type PortKey = { [K in ServeKey]: (typeof serveFlags)[K]["kind"] extends "port" ? K : never }[ServeKey]

/**
 * The serve flags, all or all but `omit` (e.g. the listener flags of a sandbox, which always serves at the real
 * address). `ports` gives port flags a command's own default, which their variables (ALIYUN_IMDS_PORT…, serve's
 * ports) then do not override: `exec` serves on free ports whatever a running `serve` uses.
 */
export const serveFlagSet = <const O extends ServeKey = never>(
  omit: ReadonlyArray<O> = [],
  ports: Partial<Record<PortKey, number>> = {}
): Record<Exclude<ServeKey, O>, Flag.Flag<unknown>> =>
  Object.fromEntries(
    (Object.entries(serveFlags) as ReadonlyArray<[ServeKey, ServeFlag]>)
      .filter(([key]) => !(omit as ReadonlyArray<ServeKey>).includes(key))
      .map(([key, spec]) => [key, cliFlag(spec, (ports as Partial<Record<ServeKey, number>>)[key])])
  ) as Record<Exclude<ServeKey, O>, Flag.Flag<unknown>>

/** The ServerOptions the parsed serve flags stand for: unset optional flags are left out. */
export const serverOptionsOf = (values: Readonly<Record<string, unknown>>): ServerOptions =>
  Object.fromEntries(
    Object.entries(values).flatMap(([key, value]): Array<[string, unknown]> => {
      if (!(key in serveFlags)) return []
      if (value === false) return []
      if (!Option.isOption(value)) return [[key, value]]
      return Option.isSome(value) ? [[key, value.value]] : []
    })
  ) as ServerOptions
