// Known-answer vectors for the three wire formats that must never change by accident: sealed tokens, RAM credential
// bodies and identity documents with their PKCS#7. Each literal below is the exact output for fixed inputs; changing
// one is a deliberate edit of the wire format. Tokens and signatures are also rebuilt with independent code
// (@noble/hashes, Buffer, node:crypto) so that a literal cannot simply record whatever the code under test does.
import { createPublicKey, verify as nodeVerify } from "node:crypto"
import { assert, describe, it } from "@effect/vitest"
import { hmac } from "@noble/hashes/hmac.js"
import { sha256 } from "@noble/hashes/sha2.js"
import { Effect, Result } from "effect"
import { TestClock } from "effect/testing"
import { credentialAt, renderCredentials } from "../src/credentials/RamCredentials.ts"
import { defaultFleet } from "../src/fleet/FleetDefaults.ts"
import { FleetStore } from "../src/fleet/FleetStore.ts"
import type { RoleState } from "../src/fleet/InstanceState.ts"
import { Identity } from "../src/identity/Identity.ts"
import { identityDocument } from "../src/metadata/MetadataTree.ts"
import { resolve } from "../src/metadata/Render.ts"
import { type NonceSource, TokenSigner } from "../src/token/Token.ts"
import { linux, windows } from "./fixtures.ts"
import identityPem from "./vectors/identity.json" with { type: "json" }

const secret = Uint8Array.from({ length: 32 }, (_, i) => i)
const counterNonce: NonceSource = (into, at) => {
  for (let i = 0; i < 12; i++) into[at + i] = 0xa0 + i
}
const issuedAt = Date.UTC(2026, 0, 2, 3, 4, 5, 678)

/** The token for the inputs, built from the documented layout with Buffer and @noble/hashes only. */
const independentToken = (keyId: number, instanceId: string, issued: number, ttlSeconds: number): string => {
  const id = Buffer.from(instanceId, "utf8")
  const head = Buffer.alloc(6 + id.length + 16 + 12)
  head.writeUInt8(1, 0)
  head.writeUInt32BE(keyId, 1)
  head.writeUInt8(id.length, 5)
  id.copy(head, 6)
  head.writeBigInt64BE(BigInt(issued), 6 + id.length)
  head.writeBigInt64BE(BigInt(issued + ttlSeconds * 1000), 6 + id.length + 8)
  for (let i = 0; i < 12; i++) head[6 + id.length + 16 + i] = 0xa0 + i
  const label = Buffer.concat([Buffer.from("aliyun-imds/token-key/"), Buffer.alloc(4)])
  label.writeUInt32BE(keyId, label.length - 4)
  const key = hmac(sha256, secret, label)
  return Buffer.concat([head, hmac(sha256, key, head)]).toString("base64url")
}

interface TokenVector {
  readonly name: string
  readonly keyId: number
  readonly instanceId: string
  readonly issuedAt: number
  readonly ttlSeconds: number
  readonly token: string
}

const tokenVectors: ReadonlyArray<TokenVector> = [
  {
    name: "an ECS instance id, the longest TTL, the first key",
    keyId: 0,
    instanceId: "i-bp13znx0m0me8cquu9k1",
    issuedAt,
    ttlSeconds: 21600,
    token:
      "AQAAAAAWaS1icDEzem54MG0wbWU4Y3F1dTlrMQAAAZt8qY8uAAABm33zJi6goaKjpKWmp6ipqqtoMuQOr05Zsx4IirC--ffkyHQ0" +
      "QsvG3hb2ZJqGXNLwBQ"
  },
  {
    name: "a one-second TTL under the second key",
    keyId: 1,
    instanceId: "i-bp13znx0m0me8cquu9k1",
    issuedAt,
    ttlSeconds: 1,
    token:
      "AQAAAAEWaS1icDEzem54MG0wbWU4Y3F1dTlrMQAAAZt8qY8uAAABm3ypkxagoaKjpKWmp6ipqqtZkuupKVpKK8G3-LkPuHupaC8g" +
      "qapVBCrRICqn4nX_cQ"
  },
  {
    name: "a non-ASCII instance id at a virtual time before 1970",
    keyId: 0,
    instanceId: "i-ünïcødé",
    issuedAt: -86_400_000,
    ttlSeconds: 60,
    token:
      "AQAAAAANaS3DvG7Dr2PDuGTDqf_____62aQA______rajmCgoaKjpKWmp6ipqquV3af_Y0xK8eVxEjCs1ReaVkxjnjC3sJt4vYD4" + "Fwsh8w"
  }
]

describe("token vectors", () => {
  for (const v of tokenVectors) {
    it(`${v.name}: issues exactly the pinned token, which verifies`, () => {
      const signer = new TokenSigner({ secret, nonce: counterNonce })
      for (let k = 0; k < v.keyId; k++) signer.rotateKeyUnsafe(v.issuedAt)
      const issued = signer.issueUnsafe(v.instanceId, v.ttlSeconds, v.issuedAt)
      assert.strictEqual(issued.token, v.token)
      assert.strictEqual(independentToken(v.keyId, v.instanceId, v.issuedAt, v.ttlSeconds), v.token)
      const verified = signer.verifyUnsafe(v.token, v.instanceId, v.issuedAt)
      assert.deepStrictEqual(
        verified,
        Result.succeed({ instanceId: v.instanceId, issuedAt: v.issuedAt, expiresAt: v.issuedAt + v.ttlSeconds * 1000 })
      )
    })
  }

  it("a signer with the same secret but a random nonce still verifies the pinned tokens (the nonce is data)", () => {
    const signer = new TokenSigner({ secret })
    const v = tokenVectors[0]!
    assert.isTrue(Result.isSuccess(signer.verifyUnsafe(v.token, v.instanceId, v.issuedAt)))
  })
})

const role: RoleState = {
  name: "EcsRamRoleTest",
  validitySeconds: 21600,
  overlapSeconds: 1800,
  anchorMs: Date.UTC(2026, 3, 10, 18, 9, 23),
  generation: 0,
  retired: []
}

describe("RAM credential vectors", () => {
  const series = { role, instanceId: "i-uf6f5ot7msu2ml4kpq0a", secret }

  it("the first credential of a series is exactly the pinned body", () => {
    assert.strictEqual(
      renderCredentials(credentialAt(series, 0), true),
      " {\n" +
        '  "AccessKeyId" : "STS.NxORPTr8hP1wzKafxhvKrb9As",\n' +
        '  "AccessKeySecret" : "jw4uWFAcEqlTHvwjaUk00LDDL91gpExWyOJ5Gh2HzZhV",\n' +
        '  "Expiration" : "2026-04-11T00:09:23Z",\n' +
        '  "SecurityToken" : "CAISLhLa8Ky2KnLQ9i5frjncrEKZAFPKL7LEtQms/hNjiY7qie3putyWwuSEx8cDP/OLA2Ja1Ot9N3f' +
        "tz0GTbZwQdI2w1HHnxSIAj9vZhrm+QaR9IpxsZ6TOcmOWE+85LHp6jkyAu6K/s4E1gut6KKz+hIMWG+gGBsndonYrtbHM7aHMsk5" +
        "yX0IlKajFBPsLZbxn3VPVC9vzcAWNno/nLEkFI0StoRifQdb9xyfWUa+UQ/9mJuPaCO4/2FOhg7s8C3LxBxEMVHzZZjUeO28710j" +
        "ZKNqB8WMk5R9kXLHhCVxUdaIvk0tdA4nVPgwnAwLIej7VayoEzPyxIwCUWXCM03FghfOI75WkL1GA13nsZ1eWPg9KfB84HPYvVCg" +
        "JuQkPBcD/JSsYthh9LZRKztq8urS5SJgZqCWiV5CjbCB0DpMpw/FiaqGp1bB5RAc7pZ1cYYQ/c360w+LxXD2uebY3MwNHSPZbQek" +
        "p4GvOncSf2v+sufJrkUThEp4NLbJCCpgU1VfiljhLqcHClF6GY1BKEfUAhWaC1Ezp73NTrdYiT79fgPauj8Uo+7kIWa2BGJxLrd3" +
        'r0GwpTUtFyryMMe82+euzSTajbn/iScsPUAc6Yjfjs8Xm9P332an/7ghVVd/g",\n' +
        '  "LastUpdated" : "2026-04-10T18:09:23Z",\n' +
        '  "Code" : "Success"\n' +
        "}"
    )
  })

  it("the credential after one rotation (5 h 30 min later) is exactly the pinned body, without the leading space", () => {
    assert.strictEqual(
      renderCredentials(credentialAt(series, 1), false),
      "{\n" +
        '  "AccessKeyId" : "STS.ApiVDZ7tuO9t0bH9vPa51I0zz",\n' +
        '  "AccessKeySecret" : "kr0JdV0TbH3gQn610KvQZiGKxXx8Zh2pQHGMV0XLvIA7",\n' +
        '  "Expiration" : "2026-04-11T05:39:23Z",\n' +
        '  "SecurityToken" : "CAISvlDwnApIN+D3RZtKEJPVtql+5Pn0qCg1Am2nLhNVzFg8jvYIWXVqLpKo00xS7g18doiA4h+DcET' +
        "HTgM+S2cJ8SN5CFYdhmqj5XZLspFyiHS3+E8qghYNJB7GhMy39WiGb8TiM/tZh/TjBW/ScQ0/s6Yrhclfu27nQ7sRkETHaauZ6Ob" +
        "OhB9hUVcvF2MV7rvt7RQzFpYqFO9eAuUZRo2tl5453FVWBqUk8pEBFydUXSZxYcdLxQX7xsYkc5cVQLlQ6C6C4nJm9+MRUi6AkKJ" +
        "MDIQq0rrPwiBQRiUGLWj7mRelWDVEdyQLlJE9wlh/NtFJT0IiUl/g66VoBJ9lDpcEX0K4PWjLC/XwbzPpMFvM760wVn1WzVSFrJk" +
        "JjlQghR01jnbr/xd/ZCQD35jy9cmnvqjASXPcD8FPLNyDNWo/h8Plnq7r+PnsLqt9mrdJgb2iZTez5sNIbXkYBed/Jye34TI66tG" +
        "8s4wVl1sm/WfkhW+faSK4Ympp6AE1v/CqelagD6OwLreyVyahIJzRjiT+nUyjxnzl8zkClahcMmmzy4F2k+tr5g1VskJL4+7X3Bt" +
        'Vwyy+kVxmh8WJF7R0uHyj+Q9Rjyj7WqeWKsUyfWYM6v+rVcfRZfiaVVHQFIkJ",\n' +
        '  "LastUpdated" : "2026-04-10T23:39:23Z",\n' +
        '  "Code" : "Success"\n' +
        "}"
    )
  })

  it.effect("a fleet seed and a time give exactly the pinned body at the role's path", () =>
    Effect.gen(function* () {
      yield* TestClock.setTime(Date.UTC(2026, 5, 1, 0, 0, 0))
      const fleet = defaultFleet("known-answer-seed")
      const store = yield* Effect.provide(FleetStore.use(Effect.succeed), FleetStore.layer(fleet))
      const state = yield* store.get(fleet.defaultInstanceId)
      const now = Date.UTC(2026, 5, 1, 7, 0, 0)
      const path = `/latest/meta-data/ram/security-credentials/${state.role?.name}`
      const body = resolve(state, path, null, { now, wire: fleet.wire, credentialSecret: store.credentialSecret })
      assert.deepStrictEqual(body, {
        _tag: "Body",
        body:
          " {\n" +
          '  "AccessKeyId" : "STS.2oxibwGeNZPCAGaasjVEa5Rhh",\n' +
          '  "AccessKeySecret" : "6gSIQvUeK3y7etzHQz9mD0uksLXyIzsmYG4QaYybaLbJ",\n' +
          '  "Expiration" : "2026-06-01T11:30:00Z",\n' +
          '  "SecurityToken" : "CAISLK9ILrPXlGX0S1FzuaByhbrHOprau03zKDwUKtSo9IXsKezsZqa6OukoAfZPgnHqfM7Fxf9EWvq' +
          "4Z1S4OTNa5+5OEHX3pE2E6nLAN3o/2uq3Uy+32bx5Wb4Qkgbp+naRbdDYCGa0VMfar3kn742akrdEiqUde+d8xyushRozFbwIu9x" +
          "PgrxCAHHzpTXaBiEBtlhA0l9gNB8uE3okzg2OD7tV+nLUtEiQJjPVnZtDWTqnMPHk5MPuQBo68/9h3A75r6D/wbJfXqNlfgHRbTN" +
          "MdTQ3Ax8lCHa2qrA0ujdKtuZjmqCYkpKDodcRBtnok+uf2yVJARSdDXT9lOIlR3iQGhdheJDdaFaRdOv2D6dejv5eQ8fxi7rP55L" +
          "dT2Oqf2jfF4g3Tcc1PSEm7bnfetos3zw+FYBHXmWqU89o5PXZSEeoc/f4v5WWmMDhOxQBHptmNTi0RD20zEwwus4AOzw14tuq1Wz" +
          "71xAcUQ99p1wFh3IwZqsBDnuG3qWpIICK0A7EdsjrOswR1iM3QW4BUvBSVoKKXKt1tCvNOlekSR9UNoIdmOZOZoKMZ1gKmOIZLY2" +
          'FY3o6APYmlnobGZT8ThH0qsyZYcJf0a4e89qyoSnOz9HEiHHlL1HByPvks1fe",\n' +
          '  "LastUpdated" : "2026-06-01T05:30:00Z",\n' +
          '  "Code" : "Success"\n' +
          "}"
      })
    })
  )
})

const sign = (document: string, audience: string | null) =>
  Effect.runPromise(
    Effect.provide(
      Identity.use((identity) => identity.sign(document, audience)),
      Identity.layerFromPem(identityPem)
    )
  )

/** The signature inside a PKCS#7, checked against the pinned certificate with node:crypto (not pkijs). */
const nodeVerifies = (pkcs7: string, content: string): boolean => {
  const der = Buffer.from(pkcs7, "base64")
  const signature = der.subarray(der.length - 256)
  const key = createPublicKey(identityPem.certificatePem)
  return der.includes(Buffer.from(content)) && nodeVerify("sha1", Buffer.from(content), key, signature)
}

describe("identity vectors", () => {
  it("the Linux fixture's document is exactly the pinned compact JSON", () => {
    assert.strictEqual(
      identityDocument(linux),
      '{"zone-id":"cn-hangzhou-i","serial-number":"4acd2b47-b328-4762-852f-998c1a2b3c4d","instance-id":"i-b' +
        'p13znx0m0me8cquu9k1","region-id":"cn-hangzhou","private-ipv4":"192.168.0.10","owner-account-id":"160' +
        '9123456789012","mac":"00:16:3e:0f:12:34","image-id":"aliyun_3_x64_20G_alibase_20240819.vhd","instanc' +
        'e-type":"ecs.g7.large"}'
    )
  })

  it("the Windows fixture's document is exactly the pinned compact JSON", () => {
    assert.strictEqual(
      identityDocument(windows),
      '{"zone-id":"cn-beijing-k","serial-number":"4acd2b47-b328-4762-852f-998c1a2b3c4d","instance-id":"i-2z' +
        'ec1slzwdzrwmvlr4w2","region-id":"cn-beijing","private-ipv4":"192.168.0.10","owner-account-id":"16091' +
        '23456789012","mac":"00:16:3e:0f:12:34","image-id":"win2022_21H2_x64_dtc_en-us_40G_alibase_20240816.v' +
        'hd","instance-type":"ecs.g7.large"}'
    )
  })

  it("the pinned key signs the Linux document into exactly the pinned PKCS#7", async () => {
    const pkcs7 = await sign(identityDocument(linux), null)
    assert.strictEqual(
      pkcs7,
      "MIIDHAYJKoZIhvcNAQcCoIIDDTCCAwkCAQExCzAJBgUrDgMCGgUAMIIBVgYJKoZIhvcNAQcBoIIBRwSCAUN7InpvbmUtaWQiOiJj" +
        "bi1oYW5nemhvdS1pIiwic2VyaWFsLW51bWJlciI6IjRhY2QyYjQ3LWIzMjgtNDc2Mi04NTJmLTk5OGMxYTJiM2M0ZCIsImluc3Rh" +
        "bmNlLWlkIjoiaS1icDEzem54MG0wbWU4Y3F1dTlrMSIsInJlZ2lvbi1pZCI6ImNuLWhhbmd6aG91IiwicHJpdmF0ZS1pcHY0Ijoi" +
        "MTkyLjE2OC4wLjEwIiwib3duZXItYWNjb3VudC1pZCI6IjE2MDkxMjM0NTY3ODkwMTIiLCJtYWMiOiIwMDoxNjozZTowZjoxMjoz" +
        "NCIsImltYWdlLWlkIjoiYWxpeXVuXzNfeDY0XzIwR19hbGliYXNlXzIwMjQwODE5LnZoZCIsImluc3RhbmNlLXR5cGUiOiJlY3Mu" +
        "ZzcubGFyZ2UifTGCAZswggGXAgEBMHQwbDEQMA4GA1UEBhMHVW5rbm93bjEQMA4GA1UECAwHVW5rbm93bjEQMA4GA1UEBwwHVW5r" +
        "bm93bjEQMA4GA1UECgwHVW5rbm93bjEQMA4GA1UECwwHVW5rbm93bjEQMA4GA1UEAwwHVW5rbm93bgIERvDGGzAJBgUrDgMCGgUA" +
        "MA0GCSqGSIb3DQEBAQUABIIBAFZPHRvGA+qqOHNdMuxYHE/Pj9r1SEJDqkwTLVRVzkjhwJ28dCl7SC6c43CmJ7MxHdLzjUMoLJPP" +
        "GiLkXMJx9tVwRuQYas+9azFNjYaVxTHrOey8xhNBDuvVOSDbrKIRnzzCEDKgvYtrYX0J/HIyMJ+oNiwq/GBv0FZ45FczRnmBBXoI" +
        "HtzNdHS3to7o82U6+F9AuRe6lnUsNZ//xOfxxhQ0nS7G0raahRqppptUTdP+LUWqGFmOFfqhiUAkA56OBh19V4eHmNqCxL+//bMA" +
        "k5M5gU8PoK4ORe5TCS/e3neogSoe0JzaZ1Oa2aYSifnZ17d7mYiOJo0T/hv2lOdC43o="
    )
    assert.isTrue(nodeVerifies(pkcs7, identityDocument(linux)))
  })

  it("with an audience, the pinned key signs exactly the pinned PKCS#7 over the spliced document", async () => {
    const pkcs7 = await sign(identityDocument(linux), "sts.aliyuncs.com")
    assert.strictEqual(
      pkcs7,
      "MIIDOgYJKoZIhvcNAQcCoIIDKzCCAycCAQExCzAJBgUrDgMCGgUAMIIBdAYJKoZIhvcNAQcBoIIBZQSCAWF7InpvbmUtaWQiOiJj" +
        "bi1oYW5nemhvdS1pIiwic2VyaWFsLW51bWJlciI6IjRhY2QyYjQ3LWIzMjgtNDc2Mi04NTJmLTk5OGMxYTJiM2M0ZCIsImluc3Rh" +
        "bmNlLWlkIjoiaS1icDEzem54MG0wbWU4Y3F1dTlrMSIsInJlZ2lvbi1pZCI6ImNuLWhhbmd6aG91IiwicHJpdmF0ZS1pcHY0Ijoi" +
        "MTkyLjE2OC4wLjEwIiwib3duZXItYWNjb3VudC1pZCI6IjE2MDkxMjM0NTY3ODkwMTIiLCJtYWMiOiIwMDoxNjozZTowZjoxMjoz" +
        "NCIsImltYWdlLWlkIjoiYWxpeXVuXzNfeDY0XzIwR19hbGliYXNlXzIwMjQwODE5LnZoZCIsImluc3RhbmNlLXR5cGUiOiJlY3Mu" +
        "ZzcubGFyZ2UiLCJhdWRpZW5jZSI6InN0cy5hbGl5dW5jcy5jb20ifTGCAZswggGXAgEBMHQwbDEQMA4GA1UEBhMHVW5rbm93bjEQ" +
        "MA4GA1UECAwHVW5rbm93bjEQMA4GA1UEBwwHVW5rbm93bjEQMA4GA1UECgwHVW5rbm93bjEQMA4GA1UECwwHVW5rbm93bjEQMA4G" +
        "A1UEAwwHVW5rbm93bgIERvDGGzAJBgUrDgMCGgUAMA0GCSqGSIb3DQEBAQUABIIBAJQrqV+hgkDrhkxURymtGq05EMN/6Kh09SQm" +
        "dyiObo8U4FjmPlakBO4/cSEHrPgl+ICTx3vDK5o4vAJ7EnsWDnAiNX2xX89yLot8PIRsMTgHj9dahty0MCStoMPT/NoRdoML/CBM" +
        "F/y2y4bn4zIWkZrIxTlqZvnq4eVU9ymCDmjFnT4lECL6i6WpB+Cq6jqZyqePhy00roLIctBWabLU3w11tGRPy6z34QDxl69oB10B" +
        "NNW8np0Qup7mbOPv5S+gT2tqGVorSQsiO+YmL3dtKsQqXS/zATFwc6E73zhlXvFpN0IgRO2k6Ca1ZZ9LelvMlLTWCn2hcZlXJk+G" +
        "SNHfET0="
    )
    assert.isTrue(nodeVerifies(pkcs7, `${identityDocument(linux).slice(0, -1)},"audience":"sts.aliyuncs.com"}`))
  })
})
