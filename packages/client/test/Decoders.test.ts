import { assert, describe, it } from "@effect/vitest"
import { Option, Schema } from "effect"
import {
  BooleanText,
  IntegerText,
  isNoEvents,
  isRoleName,
  JsonStringArray,
  MetaDataTreeJson,
  parseBracketList,
  parseListing,
  RamCredentialsJson,
  splitLines
} from "../src/Decoders.ts"

const credentialBody = (fields: Record<string, string>) =>
  ` {\n${Object.entries(fields)
    .map(([k, v]) => `  "${k}" : "${v}"`)
    .join(",\n")}\n}`

const valid = {
  AccessKeyId: "STS.NZSzBSzh6ZUqpECs5NRzqyWdp",
  AccessKeySecret: "DyAtwhFKwgoP7xjZ4GS7TuSkxA8twtwwdWTW7DpCxhuF",
  Expiration: "2026-04-11T00:15:30Z",
  SecurityToken: "CAIS6AJ1q6Ft5B2y",
  LastUpdated: "2026-04-10T18:09:23Z",
  Code: "Success"
}

describe("list formats", () => {
  it("splits CRLF and LF lists and ignores blank lines", () => {
    assert.deepStrictEqual(splitLines("100.100.2.136\r\n100.100.2.138"), ["100.100.2.136", "100.100.2.138"])
    assert.deepStrictEqual(splitLines("a\nb\n"), ["a", "b"])
    assert.deepStrictEqual(splitLines(""), [])
  })

  it("reads integer and boolean leaves exactly, refusing anything else", () => {
    const integer = Schema.decodeUnknownOption(IntegerText)
    assert.deepStrictEqual([integer("1228800"), integer("0")].map(Option.getOrNull), [1228800, 0])
    for (const bad of ["12.5", "-1", "abc", "", " 1", "1e3"]) assert.isTrue(Option.isNone(integer(bad)), bad)
    const boolean = Schema.decodeUnknownOption(BooleanText)
    assert.deepStrictEqual([boolean("true"), boolean("false")].map(Option.getOrNull), [true, false])
    for (const bad of ["True", "1", "yes", ""]) assert.isTrue(Option.isNone(boolean(bad)), bad)
  })

  it("decodes unquoted bracket lists and JSON arrays", () => {
    assert.deepStrictEqual(parseBracketList("[2408:4000::1,2408:4000::2]"), ["2408:4000::1", "2408:4000::2"])
    assert.deepStrictEqual(parseBracketList("[]"), [])
    assert.deepStrictEqual(Schema.decodeUnknownSync(JsonStringArray)('["192.168.0.1"]'), ["192.168.0.1"])
  })

  it("reads listings with directories marked by a trailing slash", () => {
    assert.deepStrictEqual(parseListing("instance-id\ninstance/"), [
      { name: "instance-id", isDirectory: false },
      { name: "instance", isDirectory: true }
    ])
  })

  it("treats 'None' and an empty body as no system events", () => {
    assert.isTrue(isNoEvents("None"))
    assert.isTrue(isNoEvents(""))
    assert.isFalse(isNoEvents("[]x"))
  })
})

describe("RAM credentials", () => {
  const decode = Schema.decodeUnknownSync(RamCredentialsJson)

  it("decodes the exact wire JSON (leading space, ' : ') into Dates", () => {
    const c = decode(credentialBody(valid))
    assert.strictEqual(c.accessKeyId, valid.AccessKeyId)
    assert.strictEqual(c.expiration.toISOString(), "2026-04-11T00:15:30.000Z")
    assert.strictEqual(c.lastUpdated.toISOString(), "2026-04-10T18:09:23.000Z")
  })

  it("refuses a Code other than Success, empty keys and malformed timestamps", () => {
    assert.throws(() => decode(credentialBody({ ...valid, Code: "Failed" })))
    assert.throws(() => decode(credentialBody({ ...valid, AccessKeyId: "" })))
    assert.throws(() => decode(credentialBody({ ...valid, Expiration: "2026-04-11 00:15:30" })))
  })

  it("validates role names instead of trimming them", () => {
    assert.isTrue(isRoleName("AliyunImdsDemoRole"))
    assert.isFalse(isRoleName("Role\n"))
    assert.isFalse(isRoleName(""))
    assert.isFalse(isRoleName("../x"))
  })
})

describe("meta-data/all", () => {
  it("decodes nested objects whose leaves are strings", () => {
    const tree = Schema.decodeUnknownSync(MetaDataTreeJson)('{"a":"1","dns-conf":{"nameservers":"x\\r\\ny"}}')
    assert.deepStrictEqual(tree, { a: "1", "dns-conf": { nameservers: "x\r\ny" } })
    assert.throws(() => Schema.decodeUnknownSync(MetaDataTreeJson)('{"a":1}'))
  })
})
