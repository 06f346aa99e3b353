// `journal [--follow]`: the packet-analyzer view — who (down to the calling process) asked what, in which mode, with
// which result — filtered by instance, mode, status and time; `--follow` polls for new entries until Ctrl-C.

import type { AdminOutput } from "@aliyun-imds/admin-api"
import { JournalMode } from "@aliyun-imds/core/enumerations"
import { Effect, Option, Ref, Schedule } from "effect"
import { Command, Flag } from "effect/cli"
import { enumFlag } from "../EnumFlags.ts"
import { dim, type OutputApi, red, renderTable } from "../Output.ts"
import { adminCommand } from "./shared.ts"

type Entry = AdminOutput<"DescribeJournal">["entries"][number]

const headers = ["SEQ", "TIME", "INSTANCE", "PEER", "PROCESS", "MODE", "METHOD", "PATH", "STATUS", "REASON"]

/** `pid executable-name`, or why there is none (`-` when the --attribute policy skipped the request). */
export const processCell = (e: Pick<Entry, "process" | "processMiss">, color: boolean): string => {
  if (e.process === null)
    return e.processMiss === "off" || e.processMiss === null ? "-" : dim(color, `(${e.processMiss})`)
  const program = e.process.exe ?? e.process.cmdline.split(" ")[0] ?? ""
  return `${e.process.pid} ${program.slice(program.lastIndexOf("/") + 1)}`.trimEnd()
}

const row = (e: Entry, color: boolean) => [
  String(e.seq),
  new Date(e.time).toISOString(),
  e.instanceId ?? "-",
  e.peerAddress,
  processCell(e, color),
  e.mode,
  e.method,
  e.path,
  e.status >= 400 || e.status === 0 ? red(color, String(e.status)) : String(e.status),
  e.reason ?? ""
]

export const journalTable = (entries: ReadonlyArray<Entry>, out: OutputApi, header = true): string => {
  const table = renderTable(
    headers,
    entries.map((e) => row(e, out.color)),
    { color: out.color }
  )
  return header ? table : table.split("\n").slice(1).join("\n")
}

const optional = (name: string, description: string) =>
  Flag.String(name).pipe(Flag.withDescription(description), Flag.optional)

export const journal = adminCommand(
  "journal",
  {
    instance: optional("instance", 'An instance id, "default", or "none" (peers bound to no instance)'),
    mode: enumFlag("mode", JournalMode),
    status: Flag.Int("status").pipe(Flag.withDescription("Only this HTTP status"), Flag.optional),
    since: optional("since", "Only entries at or after this ISO 8601 time"),
    limit: Flag.Int("limit").pipe(Flag.withDescription("At most this many entries (default 100)"), Flag.optional),
    follow: Flag.Boolean("follow").pipe(
      Flag.withAlias("f"),
      Flag.withDescription("Keep printing new entries until Ctrl-C"),
      Flag.withDefault(false)
    )
  },
  (f, api, out) =>
    Effect.gen(function* () {
      const filters = {
        instance: Option.getOrUndefined(f.instance),
        mode: Option.getOrUndefined(f.mode),
        status: Option.getOrUndefined(Option.map(f.status, String)),
        since: Option.getOrUndefined(f.since),
        limit: Option.getOrUndefined(Option.map(f.limit, String))
      }
      const first = yield* api.call("DescribeJournal", { query: filters })
      if (!f.follow) {
        if (f.json) return yield* out.json(first)
        return yield* out.line(first.entries.length === 0 ? "no journal entries" : journalTable(first.entries, out))
      }
      const print = (entries: ReadonlyArray<Entry>, header: boolean) =>
        f.json
          ? Effect.forEach(entries, (e) => out.jsonLine(e), { discard: true })
          : entries.length === 0 && !header
            ? Effect.void
            : out.line(journalTable(entries, out, header))
      yield* print(first.entries, true)
      const last = yield* Ref.make(first.entries.at(-1)?.seq ?? 0)
      const poll = Effect.gen(function* () {
        const after = yield* Ref.get(last)
        const next = yield* api.call("DescribeJournal", {
          query: { ...filters, since: undefined, limit: undefined, afterSeq: String(after) }
        })
        yield* print(next.entries, false)
        yield* Ref.set(last, next.entries.at(-1)?.seq ?? after)
      })
      yield* Effect.repeat(poll, Schedule.spaced("1 second"))
    })
).pipe(
  Command.withDescription("Show recent metadata requests (who, how, with which result)"),
  Command.withExamples([
    {
      command: "aliyun-imds journal --mode normal",
      description: "Token-less clients (and, on Linux, their processes) to fix before HttpTokens=required"
    },
    { command: "aliyun-imds journal --follow" }
  ])
)
