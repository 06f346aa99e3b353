// Metadata token keys: revoke every outstanding token at once, or rotate the signing key (earlier tokens keep
// verifying for a grace window, as after a planned key change).
import { Schema } from "effect"
import { json, operation } from "../Operation.ts"

export const Done = Schema.Struct({})

const tag = "Tokens"

export const tokenOperations = {
  RevokeTokens: operation({
    method: "POST",
    path: "/v1/tokens/revoke",
    tag,
    summary: "Revoke every outstanding metadata token (they answer 401 from now on)",
    success: json(Done)
  }),
  RotateTokenKey: operation({
    method: "POST",
    path: "/v1/tokens/rotate-key",
    tag,
    summary: "Start a new signing key; tokens under the previous key verify until the grace window ends",
    success: json(Done)
  })
}
