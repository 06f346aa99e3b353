// The instance-identity signer (spec §7.2): one RSA key and self-signed certificate per emulator, generated fresh
// or loaded from persisted PEM, signing identity documents as PKCS#7. Signatures are cached: PKCS#1 v1.5 is
// deterministic, so a repeated document costs a Map lookup instead of an RSA operation.
//
// Start-up pays for none of it: pkijs and its ASN.1 stack are imported on first use, and a generated signer makes
// its RSA-2048 key (~100 ms) on the first signature or certificate request, stamped with the time the layer was built.
import { Clock, Context, Effect, Layer, Random, Schema } from "effect"
import type * as pkijs from "pkijs"
import { withAudience } from "./IdentityAudience.ts"
import { pemDecode, pemEncode } from "./IdentityPem.ts"
import type { Pkcs7Verification } from "./Pkcs7.ts"

export { type Pkcs7Verification, withAudience }

const certificates = () => import("./IdentityCertificate.ts")
const pkcs7 = () => import("./Pkcs7.ts")

/** Whether `pkcs7Base64` is a valid signature by the certificate's key, and the content it carries. */
export const verifyPkcs7 = (pkcs7Base64: string, certificatePem: string): Effect.Effect<Pkcs7Verification> =>
  Effect.flatMap(Effect.promise(pkcs7), (m) => m.verifyPkcs7(pkcs7Base64, certificatePem))

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
    /** The signer's certificate, PEM. */
    readonly certificatePem: Effect.Effect<string>
    readonly exportPem: Effect.Effect<IdentityPem>
  }
>()("@aliyun-imds/core/identity") {
  /**
   * Fresh RSA-2048 key and certificate, valid for 7300 days from the Clock's now when the layer is built, with a
   * random 32-bit serial; the key itself is made on first use.
   */
  static readonly layerGenerate: Layer.Layer<Identity> = Layer.effect(
    Identity,
    Effect.gen(function* () {
      const now = yield* Clock.currentTimeMillis
      // 0x10000000.. keeps the serial a positive 4-byte INTEGER, like Alibaba's 0x6666D187.
      const serial = yield* Random.nextIntBetween(0x1000_0000, 0x7fff_ffff)
      return makeIdentity(once(() => generated(now, serial)))
    })
  )

  /** Persisted material; fails with IdentityPemInvalid when either PEM is unusable or they do not belong together. */
  static readonly layerFromPem = (pem: IdentityPem): Layer.Layer<Identity, IdentityPemInvalid> =>
    Layer.effect(
      Identity,
      Effect.map(fromPem(pem), (signer) => makeIdentity(() => Promise.resolve(signer)))
    )
}

/** What signing needs, ready: the persistable PEM, the imported key and the parsed certificate. */
interface Signer {
  readonly pem: IdentityPem
  readonly key: CryptoKey
  readonly certificate: pkijs.Certificate
}

const once = <A>(make: () => Promise<A>): (() => Promise<A>) => {
  let made: Promise<A> | undefined
  return () => {
    made ??= make()
    return made
  }
}

const generated = async (now: number, serial: number): Promise<Signer> => {
  const material = await (await certificates()).generateMaterial(now, serial)
  const pem: IdentityPem = {
    certificatePem: pemEncode("CERTIFICATE", material.certificateDer),
    privateKeyPem: pemEncode("PRIVATE KEY", material.privateKeyPkcs8)
  }
  return Effect.runPromise(Effect.orDie(fromPem(pem)))
}

const invalid = (field: IdentityPemInvalid["field"], reason: IdentityPemInvalid["reason"]) =>
  new IdentityPemInvalid({ field, reason })

const fromPem = Effect.fn("Identity.fromPem")(function* (
  pem: IdentityPem
): Effect.fn.Return<Signer, IdentityPemInvalid> {
  const { parseCertificate, importSigningKey, keyMatchesCertificate } = yield* Effect.promise(certificates)
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
  return { pem: normalised, key, certificate }
})

const makeIdentity = (signer: () => Promise<Signer>): Identity["Service"] => {
  const cache = new Map<string, string>()
  const remember = (content: string, signature: string): string => {
    if (cache.size >= signatureCacheCapacity) {
      const oldest = cache.keys().next()
      if (oldest.done !== true) cache.delete(oldest.value)
    }
    cache.set(content, signature)
    return signature
  }
  const signFresh = async (content: string): Promise<string> => {
    const [{ key, certificate }, { signPkcs7 }] = await Promise.all([signer(), pkcs7()])
    return remember(content, await signPkcs7(content, key, certificate))
  }
  const sign = (document: string, audience: string | null): Effect.Effect<string> => {
    const content = withAudience(document, audience)
    const cached = cache.get(content)
    return cached !== undefined ? Effect.succeed(cached) : Effect.promise(() => signFresh(content))
  }
  const exportPem = Effect.promise(() => signer().then((s) => s.pem))
  return Identity.of({ sign, certificatePem: Effect.map(exportPem, (pem) => pem.certificatePem), exportPem })
}
