// Metadata tokens: sealed, stateless, bound to an instance, verified in constant time, with the TTL header's rules.
export {
  type IssuedToken,
  maxTtlSeconds,
  minTtlSeconds,
  type NonceSource,
  parseTtl,
  parseTtlResult,
  type TokenKeyState,
  type TokenOptions,
  TokenSigner,
  Tokens,
  type VerifiedToken
} from "./Token.ts"
