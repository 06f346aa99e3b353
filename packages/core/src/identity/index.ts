// Instance identity: the signer of identity documents as PKCS#7 and its persistable material. Only Identity.ts is
// named here: the PKCS#7 and certificate code (and pkijs) load on first use.
export {
  Identity,
  type IdentityPem,
  IdentityPemInvalid,
  type Pkcs7Verification,
  verifyPkcs7,
  withAudience
} from "./Identity.ts"
