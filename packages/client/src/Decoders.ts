// Decoders for the wire formats of spec §3–§9: listings, CRLF/LF lists, JSON and bracket lists, UTC timestamps, and
// Schemas for the identity document, RAM credentials, system events and `meta-data/all`. Pure; no I/O.
import { Schema, SchemaTransformation } from "effect"

const utf8 = new TextDecoder()

export const decodeText = (body: Uint8Array): string => utf8.decode(body)

/** Multi-value leaves (nameservers, ntp-servers, prefixes): CRLF or LF between entries, blank lines ignored. */
export const splitLines = (text: string): ReadonlyArray<string> => text.split(/\r?\n/).filter((line) => line !== "")

/** A directory listing: LF-joined names, sub-directories end in `/`. */
export interface ListingEntry {
  readonly name: string
  readonly isDirectory: boolean
}

export const parseListing = (text: string): ReadonlyArray<ListingEntry> =>
  splitLines(text).map((line) =>
    line.endsWith("/") ? { name: line.slice(0, -1), isDirectory: true } : { name: line, isDirectory: false }
  )

/** `[a,b]` without quotes (`ipv6s`, `vpc-ipv6-cidr-blocks`); quoted JSON entries are tolerated too. */
export const parseBracketList = (text: string): ReadonlyArray<string> =>
  text
    .trim()
    .replace(/^\[/, "")
    .replace(/\]$/, "")
    .split(",")
    .map((item) => item.trim().replace(/^"(.*)"$/, "$1"))
    .filter((item) => item !== "")

/** `["a","b"]` (`private-ipv4s`). */
export const JsonStringArray = Schema.fromJsonString(Schema.Array(Schema.String))

/** `YYYY-MM-DDTHH:MM:SSZ` (fractions tolerated, as Node's SDK does) → Date. */
export const UtcTimestamp = Schema.String.check(
  Schema.isPattern(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z$/)
).pipe(Schema.decodeTo(Schema.Date, SchemaTransformation.dateFromString))

/** A non-negative integer leaf (`instance/max-netbw-egress`, Kbit/s; `launch-index`). */
export const IntegerText = Schema.String.check(Schema.isPattern(/^\d{1,15}$/)).pipe(
  Schema.decodeTo(Schema.Number, SchemaTransformation.transform({ decode: Number, encode: String }))
)

/** `true` / `false` (`hibernation/configured`). */
export const BooleanText = Schema.Literals(["true", "false"]).pipe(
  Schema.decodeTo(
    Schema.Boolean,
    SchemaTransformation.transform({ decode: (text) => text === "true", encode: (b) => (b ? "true" : "false") })
  )
)

/** `dynamic/instance-identity/document`: compact JSON with kebab-case keys (spec §7.1). */
export const IdentityDocument = Schema.Struct({
  zoneId: Schema.String,
  serialNumber: Schema.String,
  instanceId: Schema.String,
  regionId: Schema.String,
  privateIpv4: Schema.String,
  ownerAccountId: Schema.String,
  mac: Schema.String,
  imageId: Schema.String,
  instanceType: Schema.String,
  /** Present only in content signed with `?audience=`. */
  audience: Schema.optionalKey(Schema.String)
}).pipe(
  Schema.encodeKeys({
    zoneId: "zone-id",
    serialNumber: "serial-number",
    instanceId: "instance-id",
    regionId: "region-id",
    privateIpv4: "private-ipv4",
    ownerAccountId: "owner-account-id",
    imageId: "image-id",
    instanceType: "instance-type"
  })
)
export type IdentityDocument = typeof IdentityDocument.Type
export const IdentityDocumentJson = Schema.fromJsonString(IdentityDocument)

const NonEmpty = Schema.NonEmptyString

/** `ram/security-credentials/<role>` (spec §9): keys must be non-empty and `Code` exactly `Success`. */
export const RamCredentials = Schema.Struct({
  accessKeyId: NonEmpty,
  accessKeySecret: NonEmpty,
  expiration: UtcTimestamp,
  securityToken: NonEmpty,
  lastUpdated: UtcTimestamp,
  code: Schema.Literal("Success")
}).pipe(
  Schema.encodeKeys({
    accessKeyId: "AccessKeyId",
    accessKeySecret: "AccessKeySecret",
    expiration: "Expiration",
    securityToken: "SecurityToken",
    lastUpdated: "LastUpdated",
    code: "Code"
  })
)
export type RamCredentials = typeof RamCredentials.Type
export const RamCredentialsJson = Schema.fromJsonString(RamCredentials)

/** RAM role names: letters, digits, `.`, `_`, `-`, 1–64 characters. Anything else (a stray newline) is refused. */
export const isRoleName = (name: string): boolean => /^[A-Za-z0-9._-]{1,64}$/.test(name)

/** One entry of `maintenance/active-system-events` (undocumented format; modelled on ECS ScheduledSystemEvent). */
export const SystemEvent = Schema.Struct({
  eventId: Schema.String,
  eventType: Schema.String,
  eventCycleStatus: Schema.String,
  notBefore: UtcTimestamp,
  eventPublishTime: Schema.optionalKey(UtcTimestamp)
}).pipe(
  Schema.encodeKeys({
    eventId: "EventId",
    eventType: "EventType",
    eventCycleStatus: "EventCycleStatus",
    notBefore: "NotBefore",
    eventPublishTime: "EventPublishTime"
  })
)
export type SystemEvent = typeof SystemEvent.Type
export const SystemEventsJson = Schema.fromJsonString(Schema.Array(SystemEvent))

/** `None` (the documented empty value) or an empty body means no events. */
export const isNoEvents = (text: string): boolean => /^(none|无)?$/i.test(text.trim())

/** `meta-data/all`: directories are objects, leaves are strings in their single-item serialisation. */
export interface MetaDataTree {
  readonly [key: string]: string | MetaDataTree
}
export const MetaDataTree: Schema.Codec<MetaDataTree> = Schema.Record(
  Schema.String,
  Schema.Union([Schema.String, Schema.suspend((): Schema.Codec<MetaDataTree> => MetaDataTree)])
)
export const MetaDataTreeJson = Schema.fromJsonString(MetaDataTree)
