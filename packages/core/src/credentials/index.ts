// RAM role credentials: the deterministic STS series of a role and its exact JSON body.
export {
  type CredentialSeries,
  credentialAt,
  credentialIndexAt,
  credentialsAt,
  currentCredentials,
  isCredentialValid,
  type RamCredential,
  renderCredentials,
  validCredentialsAt
} from "./RamCredentials.ts"
