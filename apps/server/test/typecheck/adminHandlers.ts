// Checked by the compiler only (the typecheck task), never run: a handler table that leaves an operation out, or
// handles one the admin contract does not declare, must not compile. Each `@ts-expect-error` fails if it holds.
import { Effect } from "effect"
import type { AdminHandlers } from "../../src/admin/Handlers.ts"

export const handlerTablesThatDoNotCompile = (handlers: AdminHandlers) => {
  const { Health: _, ...withoutHealth } = handlers
  // @ts-expect-error a handler table without one operation's handler
  const missing: AdminHandlers = withoutHealth
  // @ts-expect-error a handler for an operation the contract does not declare
  const extra: AdminHandlers = { ...handlers, DescribeNothing: () => Effect.succeed({}) }
  return [missing, extra]
}
