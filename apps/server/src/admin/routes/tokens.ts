// Metadata token keys: revoke every outstanding token at once, or rotate the signing key.
import { Effect } from "effect"
import type { AdminDeps } from "../AdminDeps.ts"
import type { AdminHandlers } from "../Handlers.ts"

export const tokenHandlers = ({ services: { tokens } }: AdminDeps) =>
  ({
    RevokeTokens: () => Effect.as(tokens.revokeAll, {}),
    RotateTokenKey: () => Effect.as(tokens.rotateKey, {})
  }) satisfies Partial<AdminHandlers>
