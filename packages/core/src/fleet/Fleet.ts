// Loading a fleet file: parse YAML or JSON, validate against the FleetFile schema and the cross-field rules, then
// resolve every instance to a complete model. Every failure is one FleetInvalid naming the offending field.
import { Effect, JsonSchema, Result, Schema, SchemaIssue } from "effect"
import { parse as parseYaml } from "yaml"
import { FleetInvalid } from "../Errors.ts"
import { resolveAccount } from "../ecs/Account.ts"
import { resolveImages } from "../ecs/Image.ts"
import { checkInstanceInput, checkShared, uniqueAddressProblems, uniqueIdProblems } from "./FleetChecks.ts"
import { makeFleetContext, resolveInstance } from "./FleetDefaults.ts"
import {
  defaultSeed,
  type FleetConfig,
  FleetFile,
  InstanceInput,
  type MetadataOptionsInput,
  RamRoleInput
} from "./FleetSchema.ts"
import { defaultWireOptions, type WireOptions } from "./InstanceState.ts"

export * from "./FleetSchema.ts"

export type FleetFormat = "yaml" | "json"

const parseOptions = { reportInput: true, onExcessProperty: "error" } as const
const formatter = SchemaIssue.makeFormatterStandardSchemaV1()

/** `["instances", 1, "metadataOptions"]` → `instances[1].metadataOptions`; odd keys are quoted. */
export const formatFieldPath = (path: ReadonlyArray<PropertyKey>): string => {
  let out = ""
  for (const key of path) {
    if (typeof key === "number") out += `[${key}]`
    else if (/^[A-Za-z_$][\w$]*$/.test(String(key))) out += out === "" ? String(key) : `.${String(key)}`
    else out += `[${JSON.stringify(String(key))}]`
  }
  return out === "" ? "(root)" : out
}

const humanMessage = (message: string): string => {
  if (message === "Missing key") return "required field is missing"
  if (message.startsWith("Unexpected key")) return "unknown field"
  return message.charAt(0).toLowerCase() + message.slice(1)
}

const fromIssue = (issue: SchemaIssue.Issue, root: ReadonlyArray<PropertyKey>): FleetInvalid => {
  const first = formatter(issue).issues[0]
  const path = (first?.path ?? []).map((p) => (typeof p === "object" ? p.key : p))
  return new FleetInvalid({
    path: formatFieldPath([...root, ...path]),
    message: humanMessage(first?.message ?? "invalid")
  })
}

/** A decoder of `schema` whose failure is one FleetInvalid naming the field (under `root`). */
export const decodeWith =
  <S extends Schema.Top & { readonly DecodingServices: never }>(schema: S, ...root: ReadonlyArray<PropertyKey>) =>
  (input: unknown): Result.Result<S["Type"], FleetInvalid> => {
    const decoded = Schema.decodeUnknownResult(schema)(input, parseOptions)
    return Result.isFailure(decoded)
      ? Result.fail(fromIssue(decoded.failure.issue, root))
      : Result.succeed(decoded.success)
  }

const decodeFile = decodeWith(FleetFile)
const decodeInstance = decodeWith(InstanceInput, "instance")

/** A RAM role given at run time (`{ name, validitySeconds?, overlapSeconds? }`), checked like the file's `ramRole`. */
export const validateRamRole: (value: unknown) => Result.Result<RamRoleInput, FleetInvalid> = (value) =>
  Result.flatMap(decodeWith(RamRoleInput, "ramRole")(value), (role) => {
    const problem = checkShared({ ramRole: role }, "")
    return problem === null ? Result.succeed(role) : Result.fail(problem)
  })

/** One instance given at run time, checked like an entry of `instances` (fields named `instance.…`). */
export const validateInstanceInput = (value: unknown): Result.Result<InstanceInput, FleetInvalid> =>
  Result.flatMap(decodeInstance(value), (input) => {
    const problem = checkInstanceInput(input, "instance")
    return problem === null ? Result.succeed(input) : Result.fail(problem)
  })

const parseText = (text: string, format: FleetFormat): Result.Result<unknown, FleetInvalid> => {
  try {
    return Result.succeed(format === "json" ? JSON.parse(text) : parseYaml(text, { merge: true }))
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error)
    return Result.fail(new FleetInvalid({ path: "(file)", message: `invalid ${format.toUpperCase()}: ${reason}` }))
  }
}

const wireOf = (wire: FleetFile["wire"]): WireOptions => ({
  contentType: wire?.contentType ?? defaultWireOptions.contentType,
  credentialLeadingSpace: wire?.credentialLeadingSpace ?? defaultWireOptions.credentialLeadingSpace,
  metaDataAll: wire?.metaDataAll ?? defaultWireOptions.metaDataAll,
  emptySystemEvents:
    wire?.emptySystemEvents === undefined || String(wire.emptySystemEvents) === "404"
      ? { _tag: "NotFound" }
      : { _tag: "Body", body: String(wire.emptySystemEvents) },
  ...(wire?.tokenGet === undefined ? {} : { tokenGet: wire.tokenGet })
})

const instancePath = (index: number) => `instances[${index}]`

/**
 * Every problem of a fleet file, as far as checking can go: a file that does not parse, or every field the schema
 * refuses, or every cross-field rule broken (the first per instance and in `defaults`), or every clash of ids and
 * addresses and a missing default instance. `config` is the loaded fleet when there is no problem.
 */
export interface FleetReport {
  readonly config: FleetConfig | undefined
  readonly problems: ReadonlyArray<FleetInvalid>
}

const failed = (problems: ReadonlyArray<FleetInvalid>): FleetReport => ({ config: undefined, problems })

/** Cross-field rules, then resolution, then the rules that need resolved ids; every problem of the first that fails. */
const resolveReport = (file: FleetFile): FleetReport => {
  const inputs = file.instances ?? []
  const crossField = [
    file.defaults === undefined ? null : checkShared(file.defaults, "defaults"),
    ...inputs.map((input, i) => checkInstanceInput(input, instancePath(i)))
  ].filter((problem): problem is FleetInvalid => problem !== null)
  if (crossField.length > 0) return failed(crossField)
  const seed = file.seed ?? defaultSeed
  const context = makeFleetContext(seed, file.defaults)
  const instances = (inputs.length === 0 ? [{}] : inputs).map((input, i) => resolveInstance(input, context, i))
  const defaultInstanceId = file.defaultInstance ?? instances[0]!.instanceId
  const problems = [
    ...uniqueIdProblems(instances, instancePath),
    ...uniqueAddressProblems(instances, instancePath),
    ...(instances.some((i) => i.instanceId === defaultInstanceId)
      ? []
      : [new FleetInvalid({ path: "defaultInstance", message: `no instance has id ${defaultInstanceId}` })])
  ]
  if (problems.length > 0) return failed(problems)
  return {
    problems: [],
    config: {
      seed,
      unmatchedPeers: file.unmatchedPeers ?? "default",
      defaultInstanceId,
      wire: wireOf(file.wire),
      defaults: file.defaults ?? {},
      account: resolveAccount(seed, file.account),
      images: resolveImages(file.images),
      instances
    }
  }
}

/** Cross-field rules, then resolution, then the rules that need resolved ids. */
export const resolveFleetFile = (file: FleetFile): Result.Result<FleetConfig, FleetInvalid> => {
  const report = resolveReport(file)
  return report.config === undefined ? Result.fail(report.problems[0]!) : Result.succeed(report.config)
}

/** A fleet file's text checked for every problem, not only the first ({@link FleetReport}); for `fleet check`. */
export const fleetReport = (text: string, format?: FleetFormat): FleetReport => {
  const parsed = parseText(text, format ?? (text.trimStart().startsWith("{") ? "json" : "yaml"))
  if (Result.isFailure(parsed)) return failed([parsed.failure])
  const decoded = Schema.decodeUnknownResult(FleetFile)(parsed.success, { ...parseOptions, errors: "all" })
  if (Result.isFailure(decoded)) {
    return failed(
      formatter(decoded.failure.issue).issues.map(
        (issue) =>
          new FleetInvalid({
            path: formatFieldPath((issue.path ?? []).map((p) => (typeof p === "object" ? p.key : p))),
            message: humanMessage(issue.message)
          })
      )
    )
  }
  return resolveReport(applyFleetOverrides(decoded.success, {}))
}

/** Settings given outside the file (e.g. `serve --seed --http-tokens`): a seed the file does not set, and metadata
 * options for every instance that does not set its own (they replace the file's `defaults`). */
export interface FleetOverrides {
  readonly seed?: string | undefined
  readonly metadataOptions?: typeof MetadataOptionsInput.Type | undefined
}

export const applyFleetOverrides = (file: FleetFile, overrides: FleetOverrides): FleetFile => ({
  ...file,
  seed: file.seed ?? overrides.seed ?? defaultSeed,
  defaults: {
    ...file.defaults,
    metadataOptions: { ...file.defaults?.metadataOptions, ...overrides.metadataOptions }
  }
})

/** Synchronous core of {@link decodeFleet}, for callers outside Effect. */
export const decodeFleetResult = (
  text: string,
  format?: FleetFormat,
  overrides: FleetOverrides = {}
): Result.Result<FleetConfig, FleetInvalid> => {
  const parsed = parseText(text, format ?? (text.trimStart().startsWith("{") ? "json" : "yaml"))
  return Result.flatMap(Result.flatMap(parsed, decodeFile), (file) =>
    resolveFleetFile(applyFleetOverrides(file, overrides))
  )
}

/** A fleet file's text (YAML, or JSON; guessed from the first character when `format` is omitted). */
export const decodeFleet = (
  text: string,
  format?: FleetFormat,
  overrides?: FleetOverrides
): Effect.Effect<FleetConfig, FleetInvalid> =>
  Effect.suspend(() => Effect.fromResult(decodeFleetResult(text, format, overrides)))

/** An already-parsed fleet document (e.g. a JSON body posted to the admin plane). */
export const decodeFleetValue = (value: unknown): Effect.Effect<FleetConfig, FleetInvalid> =>
  Effect.suspend(() => Effect.fromResult(Result.flatMap(decodeFile(value), resolveFleetFile)))

/** One instance as posted to the admin plane, validated like an entry of `instances`. */
export const decodeInstanceInput = (value: unknown): Effect.Effect<InstanceInput, FleetInvalid> =>
  Effect.suspend(() => Effect.fromResult(validateInstanceInput(value)))

/** The published JSON Schema of the fleet file (draft 2020-12), written to `packages/core/fleet.schema.json`. */
export const fleetJsonSchema = (): JsonSchema.JsonSchema => {
  const document = Schema.toJsonSchemaDocument(FleetFile, { onExcessProperty: "error" })
  const defs = Object.keys(document.definitions).length === 0 ? {} : { $defs: document.definitions }
  return { $schema: JsonSchema.META_SCHEMA_URI_DRAFT_2020_12, ...document.schema, ...defs }
}
