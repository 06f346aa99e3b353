// Metadata token keys: revoke every outstanding token at once, or rotate the signing key (earlier tokens keep
// verifying for a grace window, as after a planned key change).
import { Effect, Schema } from "effect"
import type { AdminDeps } from "../AdminDeps.ts"
import { type AdminRoute, jsonRoute } from "../Route.ts"

export const Done = Schema.Struct({})

const tag = "Tokens"

export const tokenRoutes = ({ services: { tokens } }: AdminDeps): ReadonlyArray<AdminRoute> => [
  jsonRoute({
    method: "POST",
    path: "/v1/tokens/revoke",
    operationId: "revokeTokens",
    tag,
    summary: "Revoke every outstanding metadata token (they answer 401 from now on)",
    response: Done,
    handle: () => Effect.as(tokens.revokeAll, {})
  }),
  jsonRoute({
    method: "POST",
    path: "/v1/tokens/rotate-key",
    operationId: "rotateTokenKey",
    tag,
    summary: "Start a new signing key; tokens under the previous key verify until the grace window ends",
    response: Done,
    handle: () => Effect.as(tokens.rotateKey, {})
  })
]
