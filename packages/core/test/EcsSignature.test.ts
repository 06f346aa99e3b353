// The ECS API signatures rebuilt independently with node:crypto from the layout @alicloud/openapi-core@1.0.8 uses,
// so the core's canonicalisation cannot simply agree with itself.
import { createHash, createHmac } from "node:crypto"
import { assert, describe, it } from "vitest"
import {
  acs3CanonicalRequest,
  acs3Signature,
  acs3StringToSign,
  parseAcs3Authorization,
  percentEncode,
  rpcSignature,
  rpcStringToSign,
  sameSignature
} from "../src/ecs/Signature.ts"

const headers: Record<string, string> = {
  host: "127.0.0.1:8102",
  "x-acs-action": "DescribeInstances",
  "x-acs-content-sha256": createHash("sha256").update("").digest("hex"),
  "x-acs-date": "2026-01-02T03:04:05Z",
  "x-acs-signature-nonce": "3f2a",
  "x-acs-version": "2014-05-26"
}
const query = { RegionId: "cn-hangzhou", InstanceIds: '["i-a","i-b"]', "Tag.1.Key": "env", Name: "a b*c!" }

describe("ACS3-HMAC-SHA256", () => {
  it("canonicalises as the SDK does: sorted keys, encoded values, signed headers, body hash", () => {
    const signed = Object.keys(headers).sort()
    const canonical = acs3CanonicalRequest({
      method: "POST",
      path: "/",
      query,
      signedHeaders: signed,
      header: (name) => headers[name],
      payloadHash: headers["x-acs-content-sha256"]!
    })
    const expected = [
      "POST",
      "/",
      "InstanceIds=%5B%22i-a%22%2C%22i-b%22%5D&Name=a%20b%2Ac%21&RegionId=cn-hangzhou&Tag.1.Key=env",
      `${signed.map((h) => `${h}:${headers[h]}`).join("\n")}\n`,
      signed.join(";"),
      headers["x-acs-content-sha256"]
    ].join("\n")
    assert.strictEqual(canonical, expected)
    const stringToSign = `ACS3-HMAC-SHA256\n${createHash("sha256").update(expected).digest("hex")}`
    assert.strictEqual(acs3StringToSign(canonical), stringToSign)
    assert.strictEqual(
      acs3Signature("secret", stringToSign),
      createHmac("sha256", "secret").update(stringToSign).digest("hex")
    )
  })

  it("reads the Authorization header and refuses other shapes", () => {
    assert.deepStrictEqual(
      parseAcs3Authorization("ACS3-HMAC-SHA256 Credential=LTAIkey,SignedHeaders=host;x-acs-date,Signature=0a1b"),
      { accessKeyId: "LTAIkey", signedHeaders: ["host", "x-acs-date"], signature: "0a1b" }
    )
    assert.isNull(parseAcs3Authorization("ACS3-HMAC-SM3 Credential=k,SignedHeaders=host,Signature=00"))
    assert.isNull(parseAcs3Authorization("Bearer x"))
  })
})

describe("RPC HMAC-SHA1", () => {
  it("signs METHOD&%2F&encoded sorted parameters with secret&, leaving Signature out", () => {
    const params = {
      Action: "DescribeRegions",
      Version: "2014-05-26",
      Timestamp: "2026-01-02T03:04:05Z",
      Signature: "x"
    }
    const canonical = "Action=DescribeRegions&Timestamp=2026-01-02T03%3A04%3A05Z&Version=2014-05-26"
    const stringToSign = `POST&%2F&${encodeURIComponent(canonical)}`
    assert.strictEqual(rpcStringToSign("POST", params), stringToSign)
    assert.strictEqual(
      rpcSignature("secret", stringToSign),
      createHmac("sha1", "secret&").update(stringToSign).digest("base64")
    )
  })

  it("percent-encodes as RFC 3986 (spaces %20, reserved marks escaped, ~ kept)", () => {
    assert.strictEqual(percentEncode("a b!'()*~"), "a%20b%21%27%28%29%2A~")
  })

  it("compares signatures exactly", () => {
    assert.isTrue(sameSignature("abc", "abc"))
    assert.isFalse(sameSignature("abc", "abd"))
    assert.isFalse(sameSignature("abc", "ab"))
  })
})
