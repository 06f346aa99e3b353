// `audit [--since DURATION] [--refused] [--instance ID]`: the packet-analyzer view — who still reads metadata without a
// token, grouped by calling process (executable, command line, pids), with user agents, counts, first and last time
// and the paths read, most requests first; and per instance the CloudMonitor "Successful Normal Mode Accesses".
import type { AdminOutput } from "@aliyun-imds/admin-api"
import { Effect, Option } from "effect"
import { Command, Flag } from "effect/cli"
import { bold, type OutputApi, red, renderTable } from "../Output.ts"
import { adminCommand } from "./shared.ts"

export type Audit = AdminOutput<"DescribeAudit">
type Group = Audit["groups"][number]

const clip = (text: string, max: number) => (text.length <= max ? text : `${text.slice(0, max - 1)}…`)

/** The command line that made the requests, or the peer and why its process is unknown. */
const commandOf = (g: Group): string =>
  g.process !== null
    ? g.process.cmdline || g.process.exe || "?"
    : `peer ${g.peerAddress ?? "?"} (process ${g.processMiss ?? "unknown"})`

/** Who made the requests, in one line: the command line and its pids, or the peer. */
export const callerOf = (g: Group): string =>
  g.process !== null ? `${commandOf(g)} (pid ${g.pids.join(", ")})` : commandOf(g)

const pathsOf = (g: Group) =>
  g.paths
    .slice(0, 3)
    .map((p) => `${p.path}${p.count > 1 ? ` ×${p.count}` : ""}`)
    .join(", ") + (g.paths.length > 3 ? `, +${g.paths.length - 3} more` : "")

/** The audit as a table of callers and a line per instance. */
export const auditText = (audit: Audit, out: OutputApi): string => {
  const table =
    audit.groups.length === 0
      ? "no requests without a token" + (audit.since === null ? "" : ` since ${audit.since}`)
      : renderTable(
          ["COUNT", "REFUSED", "PID", "COMMAND", "USER-AGENT", "INSTANCE", "FIRST", "LAST", "PATHS"],
          audit.groups.map((g) => [
            String(g.count),
            g.refused > 0 ? red(out.color, String(g.refused)) : "0",
            g.pids.length === 0 ? "-" : clip(g.pids.join(","), 20),
            clip(commandOf(g), 80),
            clip(g.userAgents.join(", ") || "-", 30),
            g.instanceId ?? "-",
            g.first,
            g.last,
            pathsOf(g)
          ]),
          { color: out.color }
        )
  const instances = audit.instances.map(
    (i) =>
      `${bold(out.color, i.instanceId)}: ${i.successfulNormalModeAccesses} successful normal-mode accesses, ` +
      `${i.normalModeRejections} token-less reads refused, ${i.tokenRejections} bad tokens refused, ` +
      `${i.tokenReads} token reads`
  )
  const dropped =
    audit.journalDropped > 0
      ? [`note: the journal overwrote ${audit.journalDropped} older entries; callers before them are not listed`]
      : []
  return [table, "", ...instances, ...dropped].join("\n")
}

export const audit = adminCommand(
  "audit",
  {
    since: Flag.String("since").pipe(
      Flag.withDescription('Only requests this long ago or later ("10m", "2h") or since an ISO 8601 time'),
      Flag.optional
    ),
    refused: Flag.Boolean("refused").pipe(
      Flag.withDescription("Also list refused requests: token-less reads under required (403), bad tokens (401)"),
      Flag.withDefault(false)
    ),
    instance: Flag.String("instance").pipe(Flag.withDescription('One instance (or "default")'), Flag.optional)
  },
  (f, api, out) =>
    Effect.gen(function* () {
      const result = yield* api.call("DescribeAudit", {
        query: {
          since: Option.getOrUndefined(f.since),
          refused: f.refused ? "true" : undefined,
          instance: Option.getOrUndefined(f.instance)
        }
      })
      if (f.json) return yield* out.json(result)
      yield* out.line(auditText(result, out))
    })
).pipe(
  Command.withDescription("Who still reads without a token: requests grouped by calling process, most first"),
  Command.withExamples([
    { command: "aliyun-imds audit", description: "Every caller that read without a token" },
    { command: "aliyun-imds audit --since 10m --refused", description: "The last 10 minutes, refusals included" },
    { command: "aliyun-imds audit --json", description: "For scripts" }
  ])
)
