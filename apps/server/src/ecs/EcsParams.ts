// An ECS RPC request's parameters (query and form body, flattened as the SDKs send them: `Tag.1.Key`,
// `Features.ImdsSupport`, `InstanceIds` as a JSON array) read by name, each failing with the code ECS uses.
import { EcsInvalidParameter, EcsMissingParameter } from "@aliyun-imds/core"
import { Effect } from "effect"

export type ParamError = EcsMissingParameter | EcsInvalidParameter

const invalid = (name: string, value: string, code: string | null = null) =>
  Effect.fail(new EcsInvalidParameter({ name, value, code }))

export interface Params {
  readonly get: (name: string) => string | undefined
  readonly required: (name: string) => Effect.Effect<string, EcsMissingParameter>
  readonly int: (name: string) => Effect.Effect<number | undefined, EcsInvalidParameter>
  readonly bool: (name: string) => Effect.Effect<boolean | undefined, EcsInvalidParameter>
  /** One of `values`, with the action's own code when it has one. */
  readonly choice: <const T extends string>(
    name: string,
    values: ReadonlyArray<T>,
    code?: string
  ) => Effect.Effect<T | undefined, EcsInvalidParameter>
  /** A JSON array of strings (`InstanceIds`), at most `max` long. */
  readonly jsonList: (
    name: string,
    max: number
  ) => Effect.Effect<ReadonlyArray<string> | undefined, EcsInvalidParameter>
  /** `Name.1`, `Name.2`, … in order. */
  readonly repeated: (name: string) => ReadonlyArray<string>
  /** `Tag.N.Key` / `Tag.N.Value` pairs. */
  readonly tags: (name?: string) => ReadonlyArray<readonly [string, string]>
}

export const makeParams = (values: Readonly<Record<string, string>>): Params => {
  const get = (name: string) => values[name]
  const indexes = (prefix: string) =>
    Object.keys(values)
      .map((key) => new RegExp(`^${prefix.replace(/\./g, "\\.")}\\.(\\d+)(?:\\.|$)`).exec(key)?.[1])
      .filter((n): n is string => n !== undefined)
      .map(Number)
      .filter((n, i, all) => all.indexOf(n) === i)
      .sort((a, b) => a - b)
  return {
    get,
    required: (name) => {
      const value = get(name)
      return value === undefined || value === ""
        ? Effect.fail(new EcsMissingParameter({ name }))
        : Effect.succeed(value)
    },
    int: (name) => {
      const value = get(name)
      if (value === undefined) return Effect.succeed(undefined)
      return /^-?\d{1,9}$/.test(value) ? Effect.succeed(Number(value)) : invalid(name, value)
    },
    bool: (name) => {
      const value = get(name)
      if (value === undefined) return Effect.succeed(undefined)
      return value === "true" || value === "false" ? Effect.succeed(value === "true") : invalid(name, value)
    },
    choice: (name, allowed, code) => {
      const value = get(name)
      if (value === undefined) return Effect.succeed(undefined)
      return (allowed as ReadonlyArray<string>).includes(value)
        ? Effect.succeed(value as (typeof allowed)[number])
        : invalid(name, value, code)
    },
    jsonList: (name, max) => {
      const value = get(name)
      if (value === undefined || value === "") return Effect.succeed(undefined)
      let parsed: unknown
      try {
        parsed = JSON.parse(value)
      } catch {
        return invalid(name, value, `Invalid${name}.Malformed`)
      }
      return Array.isArray(parsed) && parsed.length <= max && parsed.every((v) => typeof v === "string")
        ? Effect.succeed(parsed as ReadonlyArray<string>)
        : invalid(name, value, `Invalid${name}.Malformed`)
    },
    repeated: (name) => indexes(name).flatMap((n) => get(`${name}.${n}`) ?? []),
    tags: (name = "Tag") =>
      indexes(name).flatMap((n) => {
        const key = get(`${name}.${n}.Key`)
        return key === undefined ? [] : [[key, get(`${name}.${n}.Value`) ?? ""] as const]
      })
  }
}
