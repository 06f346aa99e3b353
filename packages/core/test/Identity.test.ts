import { spawnSync } from "node:child_process"
import { verify as nodeVerify, X509Certificate } from "node:crypto"
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { assert, describe, it, layer } from "@effect/vitest"
import * as asn1js from "asn1js"
import { Effect, Exit, Layer } from "effect"
import { TestClock } from "effect/testing"
import * as pkijs from "pkijs"
import { Identity, type IdentityPemInvalid, verifyPkcs7 } from "../src/identity/Identity.ts"

const document =
  '{"zone-id":"cn-hangzhou-h","serial-number":"4acd2b47-b328-4762-852f-998ee8f1b3b0","instance-id":"i-bp1abcdefghijklmnopq",' +
  '"region-id":"cn-hangzhou","private-ipv4":"172.16.0.10","owner-account-id":"1234567890123456",' +
  '"mac":"00:16:3e:00:00:01","image-id":"aliyun_3_x64_20G_alibase_20240819.vhd","instance-type":"ecs.g7.large"}'

const openssl = "/usr/bin/openssl"
const hasOpenssl = existsSync(openssl)

const der = (pkcs7: string) => new Uint8Array(Buffer.from(pkcs7, "base64"))

/** ContentInfo → SignedData's children, parsed with plain asn1js (no pkijs). */
const signedDataParts = (pkcs7: string): Array<asn1js.AsnType> => {
  const parsed = asn1js.fromBER(der(pkcs7))
  assert.notStrictEqual(parsed.offset, -1)
  const contentInfo = parsed.result as asn1js.Sequence
  const [oid, explicit] = contentInfo.valueBlock.value as [asn1js.ObjectIdentifier, asn1js.Constructed]
  assert.strictEqual(oid.valueBlock.toString(), "1.2.840.113549.1.7.2")
  return ((explicit.valueBlock.value[0] as asn1js.Sequence).valueBlock.value as Array<asn1js.AsnType>).slice()
}

const seq = (node: asn1js.AsnType | undefined): Array<asn1js.AsnType> =>
  (node as asn1js.Sequence).valueBlock.value as Array<asn1js.AsnType>

const oidOf = (node: asn1js.AsnType | undefined) => (seq(node)[0] as asn1js.ObjectIdentifier).valueBlock.toString()

/** The attached content bytes and the SignerInfo's signature, pulled out by hand. */
const contentAndSignature = (pkcs7: string) => {
  const parts = signedDataParts(pkcs7)
  const eContent = seq(seq(parts[2])[1])[0] as asn1js.OctetString
  const signerInfo = seq(seq(parts[3])[0])
  const signature = signerInfo[4] as asn1js.OctetString
  return {
    content: Buffer.from(eContent.valueBlock.valueHexView),
    signature: Buffer.from(signature.valueBlock.valueHexView)
  }
}

const nodeVerifies = (pkcs7: string, certificatePem: string, expected: string) => {
  const { content, signature } = contentAndSignature(pkcs7)
  return (
    nodeVerify("sha1", Buffer.from(expected), new X509Certificate(certificatePem).publicKey, signature) &&
    content.equals(Buffer.from(expected))
  )
}

/** The documented recipe, verbatim: signature wrapped in CERTIFICATE armour (sic), `smime -verify -noverify`. */
const opensslRecipe = (pkcs7: string, content: string, certificatePem: string) => {
  const dir = mkdtempSync(join(tmpdir(), "imds-identity-"))
  try {
    const wrapped = pkcs7.match(/.{1,64}/g)?.join("\n") ?? ""
    writeFileSync(join(dir, "signature"), `-----BEGIN CERTIFICATE-----\n${wrapped}\n-----END CERTIFICATE-----`)
    writeFileSync(join(dir, "document"), content)
    writeFileSync(join(dir, "cert.cer"), certificatePem)
    const args = ["smime", "-verify", "-in", "signature", "-inform", "PEM", "-content", "document"]
    const run = spawnSync(openssl, [...args, "-certfile", "cert.cer", "-noverify"], { cwd: dir, encoding: "utf8" })
    return { status: run.status, output: `${run.stdout}${run.stderr}` }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

const flipByteAt = (pkcs7: string, index: number) => {
  const bytes = der(pkcs7)
  bytes[index] = (bytes[index] ?? 0) ^ 0x01
  return Buffer.from(bytes).toString("base64")
}

const withAudienceText = `${document.slice(0, -1)},"audience":"X"}`

layer(Identity.layerGenerate, { timeout: "60 seconds" })("Identity (one generated signer)", (it) => {
  it.effect.skipIf(!hasOpenssl)(
    `the documented openssl smime recipe verifies the signature${hasOpenssl ? "" : " (skipped: /usr/bin/openssl not found)"}`,
    () =>
      Effect.gen(function* () {
        const identity = yield* Identity
        const pkcs7 = yield* identity.sign(document, null)
        const result = opensslRecipe(pkcs7, document, yield* identity.certificatePem)
        assert.strictEqual(result.status, 0, result.output)
        assert.include(result.output, "Verification successful")
        const withAudience = yield* identity.sign(document, "X")
        assert.strictEqual(opensslRecipe(withAudience, withAudienceText, yield* identity.certificatePem).status, 0)
      })
  )

  it.effect.skipIf(!hasOpenssl)("openssl rejects the signature against a tampered document", () =>
    Effect.gen(function* () {
      const identity = yield* Identity
      const pkcs7 = yield* identity.sign(document, null)
      const result = opensslRecipe(
        pkcs7,
        document.replace("ecs.g7.large", "ecs.g7.xlarge"),
        yield* identity.certificatePem
      )
      assert.notStrictEqual(result.status, 0)
      assert.notInclude(result.output, "Verification successful")
    })
  )

  it.effect("Node's crypto verifies the SHA-1 RSA signature over exactly the document bytes", () =>
    Effect.gen(function* () {
      const identity = yield* Identity
      const pkcs7 = yield* identity.sign(document, null)
      assert.isTrue(nodeVerifies(pkcs7, yield* identity.certificatePem, document))
      assert.strictEqual(contentAndSignature(pkcs7).signature.length, 256)
    })
  )

  it.effect("the audience is spliced before the final brace and is what gets signed", () =>
    Effect.gen(function* () {
      const identity = yield* Identity
      const pkcs7 = yield* identity.sign(document, "X")
      assert.strictEqual(contentAndSignature(pkcs7).content.toString("utf8"), withAudienceText)
      assert.isTrue(nodeVerifies(pkcs7, yield* identity.certificatePem, withAudienceText))
      assert.isFalse(nodeVerifies(pkcs7, yield* identity.certificatePem, document))
    })
  )

  it.effect("an audience with quotes, backslashes and non-ASCII is JSON-escaped and round-trips", () =>
    Effect.gen(function* () {
      const identity = yield* Identity
      const audience = 'a"b\\c\n✓'
      const pkcs7 = yield* identity.sign(document, audience)
      const content = contentAndSignature(pkcs7).content.toString("utf8")
      assert.strictEqual(JSON.parse(content).audience, audience)
      assert.strictEqual(JSON.parse(content)["instance-type"], "ecs.g7.large")
      assert.isTrue(nodeVerifies(pkcs7, yield* identity.certificatePem, content))
      const empty = yield* identity.sign(document, "")
      assert.isTrue(contentAndSignature(empty).content.toString("utf8").endsWith(',"audience":""}'))
    })
  )

  it.effect("the body is one line of base64 DER: version 1, sha1, attached data, no certificates/CRLs/attributes", () =>
    Effect.gen(function* () {
      const identity = yield* Identity
      const pkcs7 = yield* identity.sign(document, null)
      assert.match(pkcs7, /^[A-Za-z0-9+/]+={0,2}$/)
      assert.strictEqual(asn1js.fromBER(der(pkcs7)).offset, der(pkcs7).length)
      const parts = signedDataParts(pkcs7)
      assert.strictEqual(parts.length, 4) // version, digestAlgorithms, encapContentInfo, signerInfos: no [0] or [1]
      assert.strictEqual((parts[0] as asn1js.Integer).valueBlock.valueDec, 1)
      assert.deepStrictEqual(seq(parts[1]).map(oidOf), ["1.3.14.3.2.26"])
      assert.strictEqual(oidOf(parts[2]), "1.2.840.113549.1.7.1")
      assert.isFalse((seq(seq(parts[2])[1])[0] as asn1js.OctetString).idBlock.isConstructed) // DER, not BER chunks
      assert.strictEqual(seq(parts[3]).length, 1)
      const signerInfo = seq(seq(parts[3])[0])
      assert.strictEqual(signerInfo.length, 5) // version, sid, digestAlgorithm, signatureAlgorithm, signature
      assert.strictEqual((signerInfo[0] as asn1js.Integer).valueBlock.valueDec, 1)
      assert.strictEqual(oidOf(signerInfo[2]), "1.3.14.3.2.26")
      assert.strictEqual(oidOf(signerInfo[3]), "1.2.840.113549.1.1.1")
      const serial = Buffer.from((seq(signerInfo[1])[1] as asn1js.Integer).valueBlock.valueHexView).toString("hex")
      assert.strictEqual(serial.toUpperCase(), new X509Certificate(yield* identity.certificatePem).serialNumber)
    })
  )

  it.effect("signing is deterministic, so a repeated document yields the identical body", () =>
    Effect.gen(function* () {
      const identity = yield* Identity
      const first = yield* identity.sign(document, "X")
      assert.strictEqual(yield* identity.sign(document, "X"), first)
      assert.notStrictEqual(yield* identity.sign(document, null), first)
    })
  )

  it.effect("past the cache capacity, evicted documents are re-signed to the same body", () =>
    Effect.gen(function* () {
      const identity = yield* Identity
      const first = yield* identity.sign(document, "evict-me")
      yield* Effect.forEach(
        Array.from({ length: 1100 }, (_, i) => `{"n":${i}}`),
        (doc) => identity.sign(doc, null),
        {
          concurrency: 8
        }
      )
      assert.strictEqual(yield* identity.sign(document, "evict-me"), first)
    })
  )

  it.effect("verifyPkcs7 accepts our signature and rejects tampered content, signature or certificate", () =>
    Effect.gen(function* () {
      const identity = yield* Identity
      const pkcs7 = yield* identity.sign(document, null)
      assert.deepStrictEqual(yield* verifyPkcs7(pkcs7, yield* identity.certificatePem), {
        valid: true,
        content: document
      })
      const contentAt = der(pkcs7).indexOf(0x7b) // first byte of the attached `{`
      const tamperedContent = yield* verifyPkcs7(flipByteAt(pkcs7, contentAt + 10), yield* identity.certificatePem)
      assert.isFalse(tamperedContent.valid)
      assert.notStrictEqual(tamperedContent.content, document)
      assert.isFalse(
        (yield* verifyPkcs7(flipByteAt(pkcs7, der(pkcs7).length - 1), yield* identity.certificatePem)).valid
      )
      // Layer.fresh: a nested provide of the block's layer would otherwise reuse the very same signer.
      const other = yield* Effect.provide(Effect.service(Identity), Layer.fresh(Identity.layerGenerate))
      assert.notStrictEqual(yield* other.certificatePem, yield* identity.certificatePem)
      assert.isFalse((yield* verifyPkcs7(pkcs7, yield* other.certificatePem)).valid)
      assert.deepStrictEqual(yield* verifyPkcs7("not base64!", yield* identity.certificatePem), {
        valid: false,
        content: ""
      })
    })
  )

  it.effect("the certificate is a self-signed RSA-2048 sha256WithRSA one named Unknown everywhere", () =>
    Effect.gen(function* () {
      const identity = yield* Identity
      const x509 = new X509Certificate(yield* identity.certificatePem)
      const unknown = "C=Unknown\nST=Unknown\nL=Unknown\nO=Unknown\nOU=Unknown\nCN=Unknown"
      assert.strictEqual(x509.subject, unknown)
      assert.strictEqual(x509.issuer, unknown)
      assert.isTrue(x509.verify(x509.publicKey))
      assert.strictEqual(x509.publicKey.asymmetricKeyDetails?.modulusLength, 2048)
      assert.match(x509.serialNumber, /^[1-7][0-9A-F]{7}$/) // positive, four bytes, like 6666D187
      const cert = pkijs.Certificate.fromBER(new X509Certificate(yield* identity.certificatePem).raw)
      assert.strictEqual(cert.signatureAlgorithm.algorithmId, "1.2.840.113549.1.1.11")
      assert.strictEqual(cert.version, 2)
    })
  )

  it.effect("exported PEM loads back into a signer with the same certificate and identical signatures", () =>
    Effect.gen(function* () {
      const identity = yield* Identity
      const exported = yield* identity.exportPem
      assert.match(exported.privateKeyPem, /^-----BEGIN PRIVATE KEY-----\n/)
      assert.strictEqual(exported.certificatePem, yield* identity.certificatePem)
      const loaded = yield* Effect.provide(Effect.service(Identity), Identity.layerFromPem(exported))
      assert.strictEqual(yield* loaded.certificatePem, yield* identity.certificatePem)
      const pkcs7 = yield* loaded.sign(document, "round-trip")
      assert.strictEqual(pkcs7, yield* identity.sign(document, "round-trip"))
      assert.isTrue((yield* verifyPkcs7(pkcs7, exported.certificatePem)).valid)
    })
  )
})

const loadError = (certificatePem: string, privateKeyPem: string) =>
  Effect.provide(Effect.service(Identity), Identity.layerFromPem({ certificatePem, privateKeyPem })).pipe(
    Effect.flip,
    Effect.map((e): Pick<IdentityPemInvalid, "field" | "reason"> => ({ field: e.field, reason: e.reason }))
  )

describe("Identity.layerFromPem", () => {
  it.effect(
    "refuses unusable PEM and a key that does not belong to the certificate, naming the field",
    () =>
      Effect.gen(function* () {
        const a = yield* Effect.provide(Effect.service(Identity), Identity.layerGenerate)
        const b = yield* Effect.provide(Effect.service(Identity), Identity.layerGenerate)
        const pemA = yield* a.exportPem
        const pemB = yield* b.exportPem
        assert.deepStrictEqual(yield* loadError("garbage", pemA.privateKeyPem), {
          field: "certificatePem",
          reason: "notPem"
        })
        const notCert = "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"
        assert.deepStrictEqual(yield* loadError(notCert, pemA.privateKeyPem), {
          field: "certificatePem",
          reason: "notCertificate"
        })
        assert.deepStrictEqual(yield* loadError(pemA.certificatePem, pemA.certificatePem), {
          field: "privateKeyPem",
          reason: "notPkcs8RsaKey"
        })
        assert.deepStrictEqual(yield* loadError(pemA.certificatePem, pemB.privateKeyPem), {
          field: "privateKeyPem",
          reason: "keyDoesNotMatchCertificate"
        })
        const ok = yield* Effect.exit(Effect.provide(Effect.service(Identity), Identity.layerFromPem(pemB)))
        assert.isTrue(Exit.isSuccess(ok))
      }),
    60_000
  )
})

describe("Identity.layerGenerate validity", () => {
  it.effect(
    "starting on Alibaba's notBefore, 2018-02-23, the certificate ends on 2038-02-18 like theirs",
    () =>
      Effect.gen(function* () {
        yield* TestClock.setTime(Date.UTC(2018, 1, 23, 5, 6, 7, 890))
        const identity = yield* Effect.provide(Effect.service(Identity), Identity.layerGenerate)
        // The key is made on first use, but the certificate is dated when the layer was built.
        yield* TestClock.adjust("400 days")
        const x509 = new X509Certificate(yield* identity.certificatePem)
        assert.strictEqual(x509.validFromDate.toISOString(), "2018-02-23T05:06:07.000Z")
        assert.strictEqual(x509.validToDate.toISOString(), "2038-02-18T05:06:07.000Z")
      }),
    30_000
  )

  it.effect(
    "a validity ending in 2050 or later is encoded as GeneralizedTime and still reads back",
    () =>
      Effect.gen(function* () {
        yield* TestClock.setTime(Date.UTC(2031, 0, 1))
        const identity = yield* Effect.provide(Effect.service(Identity), Identity.layerGenerate)
        const x509 = new X509Certificate(yield* identity.certificatePem)
        assert.strictEqual(x509.validToDate.toISOString(), "2050-12-27T00:00:00.000Z")
        const cert = pkijs.Certificate.fromBER(x509.raw)
        assert.strictEqual(cert.notBefore.type, 0)
        assert.strictEqual(cert.notAfter.type, 1)
      }),
    30_000
  )
})
