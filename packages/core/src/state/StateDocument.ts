// The emulator's durable state as one versioned JSON document: everything the admin plane (and, for counters and
// counted fault rules, the data plane) changed at run time, on top of the fleet file. An Effect Schema checks it on
// load and the published JSON Schema (state.schema.json) is generated from it. Times are epoch milliseconds on the
// virtual clock; the token secret is base64url.
import { JsonSchema, Result, Schema } from "effect"
import { FaultRule } from "../access/Faults.ts"
import { savedCounterKeys, tokenRefusalReasons } from "../counters/Counters.ts"
import { Image } from "../ecs/Image.ts"
import { decodeWith } from "../fleet/Fleet.ts"
import { MetadataOptionsInput } from "../fleet/FleetSchema.ts"
import { Instance, RamRole } from "../fleet/Instance.ts"
import { processMisses } from "../journal/JournalEntry.ts"
import { decodeBase64Url } from "../token/TokenCodec.ts"
import { StateInvalid, StateTooNew } from "./StateErrors.ts"

/** The version this emulator writes, and the newest it reads. */
export const stateVersion = 1

const opt = Schema.optionalKey
const Ms = Schema.Finite
const Count = Schema.Int.pipe(Schema.check(Schema.isGreaterThanOrEqualTo(0)))

const RetiredSeries = Schema.Struct({ generation: Count, anchorMs: Ms, endedMs: Ms })

const RoleState = Schema.Struct({
  ...RamRole.fields,
  anchorMs: Ms.annotate({ description: "When the current credential series started." }),
  generation: Count.annotate({ description: "Forced rotations so far." }),
  retired: Schema.Array(RetiredSeries)
})

const SystemEvent = Schema.Struct({ eventId: Schema.String, eventType: Schema.String, publishMs: Ms, notBeforeMs: Ms })

const InstanceChanges = Schema.Struct({
  metadataOptions: opt(MetadataOptionsInput),
  overrides: opt(Schema.Record(Schema.String, Schema.NullOr(Schema.String))),
  ramRole: opt(Schema.NullOr(RamRole)),
  spot: opt(Schema.Boolean)
}).annotate({ description: "What the admin plane changed of an instance of the fleet file." })

const InstanceRuntime = Schema.Struct({
  changes: InstanceChanges,
  role: Schema.NullOr(RoleState),
  spotTerminationMs: Schema.NullOr(Ms),
  systemEvents: Schema.Array(SystemEvent)
})

export const FleetSection = Schema.Struct({
  removed: Schema.Array(Schema.String).annotate({ description: "Instances of the fleet file removed at run time." }),
  added: Schema.Array(Instance).annotate({ description: "Instances added at run time, whole." }),
  instances: Schema.Record(Schema.String, InstanceRuntime),
  defaultInstanceId: Schema.NullOr(Schema.String),
  defaultMetadataOptions: MetadataOptionsInput,
  nextIndex: Count,
  eventCount: Count
})

export const ClockSection = Schema.Struct({ offsetMs: Ms, frozenAtMs: Schema.NullOr(Ms) })

export const TokensSection = Schema.Struct({
  secret: Schema.String.annotate({ description: "The master secret of the token keys, base64url. Keep it private." }),
  currentKeyId: Count,
  nextKeyId: Count,
  keys: Schema.Array(Schema.Struct({ id: Count, retiresAt: Schema.NullOr(Ms) }))
})

const ThrottleRule = Schema.Struct({
  ratePerSecond: Schema.Finite.pipe(Schema.check(Schema.isGreaterThan(0))),
  burst: Schema.Int.pipe(Schema.check(Schema.isGreaterThanOrEqualTo(1)))
})
export const ThrottleSection = Schema.Record(Schema.String, ThrottleRule).annotate({
  description: 'Rules by instance id, or "*" for every instance.'
})

export const FaultsSection = Schema.Struct({ lastId: Count, rules: Schema.Array(FaultRule) })

const countsOf = <K extends string>(keys: ReadonlyArray<K>) =>
  Object.fromEntries(keys.map((k) => [k, Count])) as { readonly [P in K]: typeof Count }
const SavedCounters = Schema.Struct({
  ...countsOf(savedCounterKeys.scalars),
  tokenRefused: Schema.Struct(countsOf(tokenRefusalReasons)),
  processMissed: Schema.Struct(countsOf(processMisses)),
  latencyHits: Schema.Array(Count),
  latencySumSeconds: Schema.Finite.pipe(Schema.check(Schema.isGreaterThanOrEqualTo(0)))
})
export const CountersSection = Schema.Record(Schema.String, SavedCounters)

export const IdentitySection = Schema.NullOr(
  Schema.Struct({ certificatePem: Schema.String, privateKeyPem: Schema.String })
).annotate({ description: "The identity signing certificate and its PKCS#8 key. Keep it private." })

export const EcsSection = Schema.Struct({
  images: Schema.Array(Image).annotate({ description: "Images made or changed through the ECS API, whole." }),
  stopped: Schema.Array(Schema.String).annotate({ description: "Instances StopInstance left stopped." }),
  imageCount: Count.annotate({ description: "Images made so far: no image id repeats." })
}).annotate({ description: "What the ECS API changed besides instances; absent in files of earlier emulators." })

export const StateDocument = Schema.Struct({
  $schema: opt(Schema.String),
  version: Schema.Literal(stateVersion),
  fleet: FleetSection,
  clock: ClockSection,
  tokens: TokensSection,
  throttle: ThrottleSection,
  faults: FaultsSection,
  counters: CountersSection,
  identity: IdentitySection,
  ecs: opt(EcsSection)
}).annotate({
  title: "aliyun-imds state",
  description: "What an aliyun-imds emulator changed at run time (serve --state FILE), on top of its fleet file."
})

/** The document as stored (JSON): counters are typed loosely here, see `SavedCounters` in the counters. */
export type StateDocument = typeof StateDocument.Type

/** The document's parts, each replaced whole by a change. */
export const stateSections = ["fleet", "clock", "tokens", "throttle", "faults", "counters", "identity", "ecs"] as const
export type StateSection = (typeof stateSections)[number]

/** Some sections of the document, as they are now. */
export type StateChange = { readonly [K in StateSection]?: StateDocument[K] }

/** The document's text: indented JSON with a final newline, sections in a fixed order. */
export const encodeStateDocument = (document: StateDocument): string => {
  const { $schema, ...rest } = document
  const ordered = {
    ...($schema === undefined ? {} : { $schema }),
    version: rest.version,
    ...Object.fromEntries(stateSections.map((s) => [s, rest[s]]))
  }
  return `${JSON.stringify(ordered, null, 2)}\n`
}

const decodeDocument = decodeWith(StateDocument)

const invalid = (path: string, message: string) => Result.fail(new StateInvalid({ path, message }))

/** Key-history rules a schema cannot express: the ones `TokenSigner.restoreKeysUnsafe` checks. */
const checkTokens = (tokens: StateDocument["tokens"]): Result.Result<void, StateInvalid> => {
  const secret = decodeBase64Url(tokens.secret)
  if (secret === undefined || secret.length === 0) return invalid("tokens.secret", "expected non-empty base64url")
  const current = tokens.keys.find((k) => k.id === tokens.currentKeyId)
  if (current === undefined || current.retiresAt !== null) {
    return invalid("tokens.currentKeyId", "expected the id of a key in tokens.keys that does not retire")
  }
  const beyond = tokens.keys.findIndex((k) => k.id >= tokens.nextKeyId)
  if (beyond !== -1) return invalid(`tokens.keys[${beyond}].id`, "expected an id below tokens.nextKeyId")
  return Result.succeed(undefined)
}

/**
 * A state file's text: JSON, a version this emulator reads (StateTooNew otherwise) and a valid document
 * (StateInvalid naming the field otherwise). A truncated or empty file is invalid at `(file)`.
 */
export const decodeStateDocumentResult = (text: string): Result.Result<StateDocument, StateInvalid | StateTooNew> => {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (error) {
    const reason = text.trim() === "" ? "the file is empty" : error instanceof Error ? error.message : String(error)
    return invalid("(file)", `not JSON (${reason}); a write cut short?`)
  }
  const version = typeof value === "object" && value !== null ? (value as { version?: unknown }).version : undefined
  if (typeof version === "number" && Number.isInteger(version) && version > stateVersion) {
    return Result.fail(new StateTooNew({ version, supported: stateVersion }))
  }
  return Result.flatMap(
    Result.mapError(decodeDocument(value), (e) => new StateInvalid({ path: e.path, message: e.message })),
    (document) => Result.map(checkTokens(document.tokens), () => document)
  )
}

/** The published JSON Schema of the state file (draft 2020-12), written to `packages/core/state.schema.json`. */
export const stateJsonSchema = (): JsonSchema.JsonSchema => {
  const document = Schema.toJsonSchemaDocument(StateDocument, { onExcessProperty: "error" })
  const defs = Object.keys(document.definitions).length === 0 ? {} : { $defs: document.definitions }
  return { $schema: JsonSchema.META_SCHEMA_URI_DRAFT_2020_12, ...document.schema, ...defs }
}
