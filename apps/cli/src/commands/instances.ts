// `instances list|add|remove` and `set <instance> <path> <value>`: the fleet at run time, through the admin API.

import type { AdminInput, AdminOutput } from "@aliyun-imds/admin-api"
import { HttpEndpoint, HttpTokens } from "@aliyun-imds/core/enumerations"
import { Effect, FileSystem, Option } from "effect"
import { Argument, Command, Flag } from "effect/cli"
import { parse as parseYaml } from "yaml"
import { enumFlag } from "../EnumFlags.ts"
import { ExitCode, fail } from "../ExitCodes.ts"
import { bold, type OutputApi, renderTable } from "../Output.ts"
import { adminCommand } from "./shared.ts"

type InstanceList = AdminOutput<"DescribeInstances">

export const instancesTable = (list: InstanceList, out: OutputApi): string =>
  renderTable(
    ["INSTANCE", "REGION", "ZONE", "HTTP-TOKENS", "HTTP-ENDPOINT", "ROLE", "SOURCE-ADDRESSES"],
    list.instances.map((i) => [
      i.isDefault ? bold(out.color, `${i.instanceId} *`) : i.instanceId,
      i.regionId,
      i.zoneId,
      i.metadataOptions.HttpTokens,
      i.metadataOptions.HttpEndpoint,
      i.role ?? "-",
      i.sourceAddresses.length === 0 ? (i.isDefault ? "(any unmatched peer)" : "-") : i.sourceAddresses.join(",")
    ]),
    { color: out.color }
  ) + (out.isTty ? "\n* default instance" : "")

const list = adminCommand("list", {}, (f, api, out) =>
  Effect.flatMap(api.call("DescribeInstances"), (l) => (f.json ? out.json(l) : out.line(instancesTable(l, out))))
).pipe(Command.withDescription("List the fleet's instances"))

const optional = (name: string, description: string) =>
  Flag.String(name).pipe(Flag.withDescription(description), Flag.optional)

const readInstanceFile = (file: string) =>
  Effect.gen(function* () {
    const fs = yield* FileSystem.FileSystem
    const text = yield* fs
      .readFileString(file)
      .pipe(Effect.mapError((e) => fail(ExitCode.runtime, `cannot read --file ${file}: ${e.message}`)))
    const value = yield* Effect.try({
      try: () => parseYaml(text) as unknown,
      catch: (e) => fail(ExitCode.usage, `--file ${file} is not YAML or JSON: ${(e as Error).message.split("\n")[0]}`)
    })
    if (typeof value !== "object" || value === null || Array.isArray(value)) {
      return yield* fail(
        ExitCode.usage,
        `--file ${file} must hold one instance (a mapping), like an entry of 'instances'`
      )
    }
    return value as Record<string, unknown>
  })

const add = adminCommand(
  "add",
  {
    file: optional("file", "An instance as YAML/JSON, like one entry of a fleet file's 'instances' (flags win)"),
    instanceId: optional("instance-id", "Instance id (i-…); generated when absent"),
    sourceAddress: Flag.String("source-address").pipe(
      Flag.withDescription("Peer address or CIDR served as this instance (repeatable), e.g. 127.0.0.5"),
      Flag.atLeast(0)
    ),
    region: optional("region", "Region id, e.g. cn-hangzhou"),
    zone: optional("zone", "Zone id, e.g. cn-hangzhou-h"),
    hostname: optional("hostname", "Host name"),
    role: optional("role", "Attach this RAM role"),
    httpTokens: enumFlag("http-tokens", HttpTokens),
    httpEndpoint: enumFlag("http-endpoint", HttpEndpoint)
  },
  (f, api, out) =>
    Effect.gen(function* () {
      const base = Option.isSome(f.file) ? yield* readInstanceFile(f.file.value) : {}
      const set = <A>(key: string, value: Option.Option<A>) =>
        Option.match(value, { onNone: () => ({}), onSome: (v) => ({ [key]: v }) })
      const options = {
        ...set("HttpTokens", f.httpTokens),
        ...set("HttpEndpoint", f.httpEndpoint)
      }
      const body = {
        ...base,
        ...set("instanceId", f.instanceId),
        ...(f.sourceAddress.length > 0 ? { sourceAddresses: f.sourceAddress } : {}),
        ...set("regionId", f.region),
        ...set("zoneId", f.zone),
        ...set("hostname", f.hostname),
        ...Option.match(f.role, { onNone: () => ({}), onSome: (name) => ({ ramRole: { name } }) }),
        ...(Object.keys(options).length > 0 ? { metadataOptions: options } : {})
      }
      // The server validates the body like a fleet-file entry and names the offending field.
      const added = yield* api.call("CreateInstance", { body: body as AdminInput<"CreateInstance">["body"] })
      if (f.json) return yield* out.json(added)
      const from = added.sourceAddresses.length > 0 ? ` for peers ${added.sourceAddresses.join(", ")}` : ""
      yield* out.line(`added ${added.instanceId} (${added.regionId}, ${added.zoneId})${from}`)
    })
).pipe(
  Command.withDescription("Add an instance at run time"),
  Command.withExamples([{ command: "aliyun-imds instances add --source-address 127.0.0.5 --role AppRole" }])
)

const remove = adminCommand(
  "remove",
  { id: Argument.String("instance").pipe(Argument.withDescription('Instance id (or "default")')) },
  (f, api, out) =>
    Effect.flatMap(api.call("DeleteInstance", { params: { id: f.id } }), (r) =>
      f.json ? out.json(r) : out.line(`removed ${r.instanceId}; the default instance is ${r.defaultInstanceId}`)
    )
).pipe(Command.withDescription("Remove an instance"))

export const instances = Command.make("instances").pipe(
  Command.withDescription("List, add or remove instances of the running fleet"),
  Command.withSubcommands([list, add, remove])
)

export const set = adminCommand(
  "set",
  {
    instance: Argument.String("instance").pipe(Argument.withDescription('Instance id, or "default"')),
    path: Argument.String("path").pipe(Argument.withDescription("Item path relative to meta-data/, e.g. hostname")),
    value: Argument.String("value").pipe(Argument.withDescription("The exact body to serve (no newline is added)"))
  },
  (f, api, out) =>
    Effect.flatMap(
      api.call("SetMetadataItem", {
        params: { id: f.instance, path: f.path.replace(/^\/*(latest\/)?(meta-data\/)?/, "") },
        body: { value: f.value }
      }),
      (r) => (f.json ? out.json(r) : out.line(`${r.instanceId}: meta-data/${r.path} = ${JSON.stringify(r.value)}`))
    )
).pipe(
  Command.withDescription("Set (create or replace) a meta-data item of an instance"),
  Command.withExamples([{ command: "aliyun-imds set default hostname web-7" }])
)
