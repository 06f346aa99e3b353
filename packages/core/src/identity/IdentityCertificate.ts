// The identity signer's key and X.509 certificate, shaped like Alibaba's published one: self-signed RSA-2048,
// every name attribute "Unknown", a positive 32-bit serial, and keytool's `-validity 7300` (2018-02-23 → 2038-02-18).
import * as asn1js from "asn1js"
import * as pkijs from "pkijs"

/** Alibaba's certificate spans 7300 days (20 × 365), which is what "20 years" means here. */
export const validityMs = 7300 * 86_400_000

const rsaPkcs1 = "RSASSA-PKCS1-v1_5"

let engine: pkijs.CryptoEngine | undefined

/** pkijs over the platform WebCrypto (Node ≥ 19, Bun), passed explicitly so pkijs' global engine never matters. */
export const cryptoEngine = (): pkijs.CryptoEngine =>
  (engine ??= new pkijs.CryptoEngine({ name: "webcrypto", crypto: globalThis.crypto }))

// keytool's "CN=Unknown, OU=…, C=Unknown" is stored most significant first, one attribute per RDN.
const unknownAttributes: ReadonlyArray<readonly [oid: string, printable: boolean]> = [
  ["2.5.4.6", true],
  ["2.5.4.8", false],
  ["2.5.4.7", false],
  ["2.5.4.10", false],
  ["2.5.4.11", false],
  ["2.5.4.3", false]
]

const unknownName = (): pkijs.RelativeDistinguishedNames => {
  const rdns = unknownAttributes.map(([oid, printable]) => {
    const value = printable
      ? new asn1js.PrintableString({ value: "Unknown" })
      : new asn1js.Utf8String({ value: "Unknown" })
    return new asn1js.Set({
      value: [new asn1js.Sequence({ value: [new asn1js.ObjectIdentifier({ value: oid }), value] })]
    })
  })
  // Parsed back from DER: pkijs would otherwise fold all attributes into one multi-valued RDN.
  return pkijs.RelativeDistinguishedNames.fromBER(new asn1js.Sequence({ value: rdns }).toBER())
}

// RFC 5280: UTCTime through 2049, GeneralizedTime after; whole seconds only.
const x509Time = (epochMs: number): pkijs.Time => {
  const date = new Date(Math.floor(epochMs / 1000) * 1000)
  return new pkijs.Time({ type: date.getUTCFullYear() < 2050 ? 0 : 1, value: date })
}

const subjectKeyIdentifier = async (cert: pkijs.Certificate): Promise<pkijs.Extension> => {
  const key = cert.subjectPublicKeyInfo.subjectPublicKey.valueBlock.valueHexView.slice()
  const digest = await globalThis.crypto.subtle.digest("SHA-1", key)
  return new pkijs.Extension({
    extnID: "2.5.29.14",
    critical: false,
    extnValue: new asn1js.OctetString({ valueHex: digest }).toBER()
  })
}

export interface GeneratedMaterial {
  readonly certificateDer: Uint8Array
  readonly privateKeyPkcs8: Uint8Array
}

/** A fresh RSA-2048 key pair and its self-signed sha256WithRSAEncryption certificate valid from `nowMs`. */
export const generateMaterial = async (nowMs: number, serial: number): Promise<GeneratedMaterial> => {
  const keys = await globalThis.crypto.subtle.generateKey(
    { name: rsaPkcs1, modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: "SHA-256" },
    true,
    ["sign", "verify"]
  )
  const cert = new pkijs.Certificate({
    version: 2,
    serialNumber: new asn1js.Integer({ value: serial }),
    issuer: unknownName(),
    subject: unknownName(),
    notBefore: x509Time(nowMs),
    notAfter: x509Time(nowMs + validityMs)
  })
  await cert.subjectPublicKeyInfo.importKey(keys.publicKey, cryptoEngine())
  cert.extensions = [await subjectKeyIdentifier(cert)]
  await cert.sign(keys.privateKey, "SHA-256", cryptoEngine())
  return {
    certificateDer: new Uint8Array(cert.toSchema(true).toBER()),
    privateKeyPkcs8: new Uint8Array(await globalThis.crypto.subtle.exportKey("pkcs8", keys.privateKey))
  }
}

/** The certificate in `der`, or null when it is not one. */
export const parseCertificate = (der: Uint8Array<ArrayBuffer>): pkijs.Certificate | null => {
  try {
    return pkijs.Certificate.fromBER(der)
  } catch {
    return null
  }
}

/** The PKCS#8 RSA key bound to SHA-1, the digest every identity signature uses; null when WebCrypto refuses it. */
export const importSigningKey = (pkcs8: Uint8Array<ArrayBuffer>): Promise<CryptoKey | null> =>
  globalThis.crypto.subtle.importKey("pkcs8", pkcs8, { name: rsaPkcs1, hash: "SHA-1" }, false, ["sign"]).then(
    (key) => key,
    () => null
  )

/** Whether `key` is the private half of the certificate's public key: a probe signature must verify. */
export const keyMatchesCertificate = async (key: CryptoKey, cert: pkijs.Certificate): Promise<boolean> => {
  const probe = new Uint8Array([0x69, 0x6d, 0x64, 0x73])
  const signature = await globalThis.crypto.subtle.sign(rsaPkcs1, key, probe)
  const spki = cert.subjectPublicKeyInfo.toSchema().toBER()
  const publicKey = await globalThis.crypto.subtle
    .importKey("spki", spki, { name: rsaPkcs1, hash: "SHA-1" }, false, ["verify"])
    .catch(() => null)
  return publicKey !== null && (await globalThis.crypto.subtle.verify(rsaPkcs1, publicKey, signature, probe))
}
