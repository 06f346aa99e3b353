// `aliyun-imds check [serve flags] -- CMD [ARGS...]`: the CI gate of the migration. Runs CMD in the sandbox, then
// passes (0) only if CMD succeeded and never read metadata without a token — in either mode: under
// `--http-tokens required` such a read is refused, and still fails the check. Otherwise exit 5 (token-less reads,
// with the audit of who made them) or 6 (CMD failed). A summary goes to stderr either way; stdout is CMD's.
import { Effect, Option } from "effect"
import { Command } from "effect/cli"
import { ExitCode, fail } from "../ExitCodes.ts"
import { Output } from "../Output.ts"
import { type Audit, auditText, callerOf } from "./audit.ts"
import { commandArgument, inSandbox, sandboxFlags } from "./sandbox.ts"
import { withAdmin } from "./shared.ts"

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`

export interface Verdict {
  readonly code: ExitCode
  readonly summary: string
}

/** What the audit and counters say of the run: pass, or which way it failed. */
export const verdictOf = (
  commandCode: number,
  audit: Audit,
  totals: { total: number; tokensIssued: number }
): Verdict => {
  const tokenless = audit.groups.reduce((n, g) => n + g.count, 0)
  const refused = audit.groups.reduce((n, g) => n + g.refused, 0)
  const requests = `${plural(totals.total, "request")}, ${plural(totals.tokensIssued, "token PUT")}`
  if (commandCode !== 0) {
    const also = tokenless > 0 ? `; ${plural(tokenless, "request")} without a token` : ""
    return {
      code: ExitCode.commandFailed,
      summary: `check failed: the command exited ${commandCode} (${requests}${also})`
    }
  }
  if (tokenless > 0) {
    const callers = audit.groups.map(callerOf).join("; ")
    const how = refused > 0 ? ` (${refused} refused)` : ""
    return {
      code: ExitCode.tokenless,
      summary: `check failed: ${plural(tokenless, "request")} without a token${how}, from ${callers}`
    }
  }
  return {
    code: ExitCode.ok,
    summary: `check passed: ${totals.total === 0 ? "no metadata requests" : `${requests}; every read with a token`}`
  }
}

export const check = Command.make("check", { ...sandboxFlags, command: commandArgument }, (flags) =>
  Effect.gen(function* () {
    const out = yield* Output
    const { result } = yield* inSandbox({
      flags,
      argv: process.argv,
      afterCommand: (ready, ended) =>
        withAdmin({ admin: ready.adminUrl, adminToken: Option.none() }, (api) =>
          Effect.gen(function* () {
            const audit = yield* api.call("DescribeAudit", { query: { refused: "true" } })
            const counters = yield* api.call("DescribeCounters", {})
            return { ended, audit, verdict: verdictOf(ended.code, audit, counters.totals) }
          })
        )
    })
    if (result.verdict.code === ExitCode.tokenless) yield* out.note(auditText(result.audit, { ...out, color: false }))
    yield* out.note(result.verdict.summary)
    if (result.verdict.code !== ExitCode.ok) return yield* fail(result.verdict.code, "")
  })
).pipe(
  Command.withDescription(
    "CI gate: run a program in the sandbox; pass only if it succeeded and read metadata with a token every time"
  ),
  Command.withExamples([
    { command: "aliyun-imds check -- ./bootstrap.sh", description: "Fails (exit 5) and names every token-less caller" },
    {
      command: "aliyun-imds check --http-tokens required -- npm test",
      description: "Your tests pass under forced hardened mode"
    }
  ])
)
