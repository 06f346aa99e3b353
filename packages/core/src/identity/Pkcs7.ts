// The PKCS#7 SignedData the real service returns from `instance-identity/pkcs7` (spec §7.2): attached `data`,
// SHA-1, rsaEncryption, one SignerInfo by issuer and serial, and no certificates, CRLs or signed attributes.
import * as asn1js from "asn1js"
import { Effect } from "effect"
import { Base64 } from "effect/encoding"
import * as pkijs from "pkijs"
import { cryptoEngine, parseCertificate } from "./IdentityCertificate.ts"
import { base64Decode, pemDecode } from "./IdentityPem.ts"

export { withAudience } from "./IdentityAudience.ts"

export const oidSha1 = "1.3.14.3.2.26"
export const oidRsaEncryption = "1.2.840.113549.1.1.1"
const oidData = "1.2.840.113549.1.7.1"
const oidSignedData = "1.2.840.113549.1.7.2"

const utf8 = new TextEncoder()

const algorithm = (algorithmId: string) =>
  new pkijs.AlgorithmIdentifier({ algorithmId, algorithmParams: new asn1js.Null() })

/** DER ContentInfo around `content` and its RSA signature, naming `signer` by issuer and serial. */
export const signedDataDer = (content: Uint8Array, signature: ArrayBuffer, signer: pkijs.Certificate): Uint8Array => {
  const encapContentInfo = new pkijs.EncapsulatedContentInfo({ eContentType: oidData })
  // Assigned after construction: the constructor would re-wrap it as a BER constructed OCTET STRING.
  encapContentInfo.eContent = new asn1js.OctetString({ valueHex: content })
  const signerInfo = new pkijs.SignerInfo({
    version: 1,
    sid: new pkijs.IssuerAndSerialNumber({ issuer: signer.issuer, serialNumber: signer.serialNumber }),
    digestAlgorithm: algorithm(oidSha1),
    signatureAlgorithm: algorithm(oidRsaEncryption),
    signature: new asn1js.OctetString({ valueHex: signature })
  })
  const signedData = new pkijs.SignedData({
    version: 1,
    digestAlgorithms: [algorithm(oidSha1)],
    encapContentInfo,
    signerInfos: [signerInfo]
  })
  const contentInfo = new pkijs.ContentInfo({ contentType: oidSignedData, content: signedData.toSchema() })
  return new Uint8Array(contentInfo.toSchema().toBER())
}

/** Signs `content` (SHA-1, PKCS#1 v1.5; deterministic) and returns the one-line base64 body the service serves. */
export const signPkcs7 = async (content: string, key: CryptoKey, signer: pkijs.Certificate): Promise<string> => {
  const bytes = utf8.encode(content)
  const signature = await globalThis.crypto.subtle.sign("RSASSA-PKCS1-v1_5", key, bytes)
  return Base64.encode(signedDataDer(bytes, signature, signer))
}

export interface Pkcs7Verification {
  /** The signature verifies against the certificate's key over the attached content. */
  readonly valid: boolean
  /** The attached content as UTF-8 ("" when the input could not be parsed). */
  readonly content: string
}

const unparseable: Pkcs7Verification = { valid: false, content: "" }

const parseSignedData = (pkcs7Base64: string): pkijs.SignedData | null => {
  const der = base64Decode(pkcs7Base64.replace(/-----[A-Z0-9 ]+-----/g, ""))
  if (der === null) return null
  const contentInfo = pkijs.ContentInfo.fromBER(der)
  return contentInfo.contentType === oidSignedData ? new pkijs.SignedData({ schema: contentInfo.content }) : null
}

const verifyPromise = async (pkcs7Base64: string, certificatePem: string): Promise<Pkcs7Verification> => {
  try {
    const pem = pemDecode(certificatePem)
    const certificate = pem === null ? null : parseCertificate(pem.der)
    const signedData = parseSignedData(pkcs7Base64)
    const eContent = signedData?.encapContentInfo.eContent
    if (certificate === null || signedData === null || eContent === undefined) return unparseable
    const content = new TextDecoder().decode(eContent.getValue())
    // The service embeds no certificate; the caller supplies the signer's, as `openssl -certfile` does.
    signedData.certificates = [certificate]
    const valid = await signedData.verify({ signer: 0, checkChain: false }, cryptoEngine())
    return { valid, content }
  } catch {
    return unparseable
  }
}

/**
 * Verifies a PKCS#7 body (base64, PEM armour tolerated) against a PEM certificate, like the documented
 * `openssl smime -verify -noverify` recipe: signature only, no chain. Never fails; unparseable input is invalid.
 */
export const verifyPkcs7 = (pkcs7Base64: string, certificatePem: string): Effect.Effect<Pkcs7Verification> =>
  Effect.promise(() => verifyPromise(pkcs7Base64, certificatePem))
