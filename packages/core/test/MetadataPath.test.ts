import { assert, describe, it } from "@effect/vitest"
import { parsePath } from "../src/metadata/MetadataPath.ts"

const segments = (raw: string) => {
  const path = parsePath(raw)
  return path?._tag === "Tree" ? path.segments : path
}

describe("MetadataPath", () => {
  it("the bare root names the version list", () => {
    assert.deepStrictEqual(parsePath("/"), { _tag: "Root" })
  })

  it("both versions, with or without a trailing slash, name their top level", () => {
    for (const raw of ["/latest", "/latest/", "/2016-01-01", "/2016-01-01/"]) {
      assert.deepStrictEqual(segments(raw), [], raw)
    }
    assert.strictEqual((parsePath("/2016-01-01/") as { version: string }).version, "2016-01-01")
  })

  it("the version segment is matched case-insensitively", () => {
    assert.strictEqual((parsePath("/LATEST/meta-data") as { version: string }).version, "latest")
  })

  it("segments keep their case and the trailing slash is recorded", () => {
    const path = parsePath("/latest/meta-data/Ram/security-credentials/EcsRamRole/")
    assert.deepStrictEqual(path, {
      _tag: "Tree",
      version: "latest",
      segments: ["meta-data", "Ram", "security-credentials", "EcsRamRole"],
      directory: true
    })
    assert.isFalse((parsePath("/latest/meta-data") as { directory: boolean }).directory)
  })

  it("the query string is ignored, including credentials-go's bare `?`", () => {
    assert.deepStrictEqual(segments("/latest/meta-data/ram/security-credentials/?"), [
      "meta-data",
      "ram",
      "security-credentials"
    ])
    assert.deepStrictEqual(segments("/latest/dynamic/instance-identity/pkcs7?audience=a/b"), [
      "dynamic",
      "instance-identity",
      "pkcs7"
    ])
  })

  it("percent-encoded characters other than separators are decoded", () => {
    assert.deepStrictEqual(segments("/latest/meta-data/network/interfaces/macs/00%3A16%3A3e%3A0f%3A12%3A34"), [
      "meta-data",
      "network",
      "interfaces",
      "macs",
      "00:16:3e:0f:12:34"
    ])
  })

  it("empty, dot and dot-dot segments are refused, encoded or not", () => {
    for (const raw of [
      "//",
      "/latest//meta-data",
      "/latest/meta-data//hostname",
      "/latest/./meta-data",
      "/latest/meta-data/../user-data",
      "/latest/meta-data/%2e%2e/user-data",
      "/latest/meta-data/%2E"
    ]) {
      assert.isNull(parsePath(raw), raw)
    }
  })

  it("encoded slashes, NULs and malformed escapes are refused", () => {
    for (const raw of [
      "/latest/meta-data%2Fhostname",
      "/latest/meta-data/ram%2fsecurity-credentials",
      "/latest/meta-data/hostname%00",
      "/latest/meta-data/%E0%A4%A",
      "/latest/meta-data/%zz"
    ]) {
      assert.isNull(parsePath(raw), raw)
    }
  })

  it("paths without a known version or a leading slash name nothing", () => {
    for (const raw of ["", "latest/meta-data", "/meta-data/hostname", "/2009-04-04/meta-data", "/latest2"]) {
      assert.isNull(parsePath(raw), raw)
    }
  })
})
