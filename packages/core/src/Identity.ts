// The instance-identity signer (spec §7.2): one RSA key and self-signed certificate per emulator, generated fresh
// or loaded from persisted PEM, signing identity documents as PKCS#7. Signatures are cached: PKCS#1 v1.5 is
// deterministic, so a repeated document costs a Map lookup instead of an RSA operation.
import { Clock, Context, Effect, Layer, Random, Schema } from "effect"
import type * as pkijs from "pkijs"
import { generateMaterial, importSigningKey, keyMatchesCertificate, parseCertificate } from "./IdentityCertificate.ts"
import { pemDecode, pemEncode } from "./IdentityPem.ts"
import { signPkcs7, withAudience } from "./Pkcs7.ts"

export { type Pkcs7Verification, verifyPkcs7, withAudience } from "./Pkcs7.ts"

/** Persisted signer material: the certificate and its PKCS#8 private key, both PEM. */
export interface IdentityPem {
  readonly certificatePem: string
  readonly privateKeyPem: string
}

/** Persisted identity material could not be loaded; `field` names the PEM at fault. */
export class IdentityPemInvalid extends Schema.TaggedError<IdentityPemInvalid>()("IdentityPemInvalid", {
  field: Schema.Literals(["certificatePem", "privateKeyPem"]),
  reason: Schema.Literals(["notPem", "notCertificate", "notPkcs8RsaKey", "keyDoesNotMatchCertificate"])
}) {}

/** Signatures kept per signed content; documents change rarely, audiences are few per client. */
export const signatureCacheCapacity = 1024

export class Identity extends Context.Service<
  Identity,
  {
    /** One-line base64 DER PKCS#7 over the document (with `audience` spliced in when not null). */
    readonly sign: (document: string, audience: string | null) => Effect.Effect<string>
    readonly certificatePem: string
    readonly exportPem: Effect.Effect<IdentityPem>
  }
>()("@aliyun-imds/core/Identity") {
  /** Fresh RSA-2048 key and certificate, valid for 7300 days from the Clock's now, with a random 32-bit serial. */
  static readonly layerGenerate: Layer.Layer<Identity> = Layer.effect(
    Identity,
    Effect.gen(function* () {
      const now = yield* Clock.currentTimeMillis
      // 0x10000000.. keeps the serial a positive 4-byte INTEGER, like Alibaba's 0x6666D187.
      const serial = yield* Random.nextIntBetween(0x1000_0000, 0x7fff_ffff)
      const generated = yield* Effect.promise(() => generateMaterial(now, serial))
      return yield* Effect.orDie(
        fromPem({
          certificatePem: pemEncode("CERTIFICATE", generated.certificateDer),
          privateKeyPem: pemEncode("PRIVATE KEY", generated.privateKeyPkcs8)
        })
      )
    })
  )

  /** Persisted material; fails with IdentityPemInvalid when either PEM is unusable or they do not belong together. */
  static readonly layerFromPem = (pem: IdentityPem): Layer.Layer<Identity, IdentityPemInvalid> =>
    Layer.effect(Identity, fromPem(pem))
}

const invalid = (field: IdentityPemInvalid["field"], reason: IdentityPemInvalid["reason"]) =>
  new IdentityPemInvalid({ field, reason })

const fromPem = Effect.fn("Identity.fromPem")(function* (
  pem: IdentityPem
): Effect.fn.Return<Identity["Service"], IdentityPemInvalid> {
  const certDer = pemDecode(pem.certificatePem)
  if (certDer === null) return yield* invalid("certificatePem", "notPem")
  const certificate = parseCertificate(certDer.der)
  if (certificate === null) return yield* invalid("certificatePem", "notCertificate")
  const keyDer = pemDecode(pem.privateKeyPem)
  if (keyDer === null) return yield* invalid("privateKeyPem", "notPem")
  const key = yield* Effect.promise(() => importSigningKey(keyDer.der))
  if (key === null) return yield* invalid("privateKeyPem", "notPkcs8RsaKey")
  if (!(yield* Effect.promise(() => keyMatchesCertificate(key, certificate)))) {
    return yield* invalid("privateKeyPem", "keyDoesNotMatchCertificate")
  }
  const normalised: IdentityPem = {
    certificatePem: pemEncode("CERTIFICATE", certDer.der),
    privateKeyPem: pemEncode("PRIVATE KEY", keyDer.der)
  }
  return makeIdentity(normalised, key, certificate)
})

const makeIdentity = (pem: IdentityPem, key: CryptoKey, certificate: pkijs.Certificate): Identity["Service"] => {
  const cache = new Map<string, string>()
  const remember = (content: string, pkcs7: string): string => {
    if (cache.size >= signatureCacheCapacity) {
      const oldest = cache.keys().next()
      if (oldest.done !== true) cache.delete(oldest.value)
    }
    cache.set(content, pkcs7)
    return pkcs7
  }
  const sign = (document: string, audience: string | null): Effect.Effect<string> => {
    const content = withAudience(document, audience)
    const cached = cache.get(content)
    if (cached !== undefined) return Effect.succeed(cached)
    return Effect.map(
      Effect.promise(() => signPkcs7(content, key, certificate)),
      (pkcs7) => remember(content, pkcs7)
    )
  }
  return Identity.of({ sign, certificatePem: pem.certificatePem, exportPem: Effect.succeed(pem) })
}
