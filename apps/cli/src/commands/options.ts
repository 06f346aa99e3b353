// `options get|set`: ECS DescribeInstances MetadataOptions / ModifyInstanceMetadataOptions through the admin API.
// `options set --http-tokens required` is forced hardened mode: token-less reads get 403 from then on.
import type { AdminOutput } from "@aliyun-imds/admin-api"
import { HttpEndpoint, HttpTokens, InstanceMetadataTags } from "@aliyun-imds/core/enumerations"
import { Effect, Option } from "effect"
import { Command, Flag } from "effect/cli"
import { enumFlag } from "../EnumFlags.ts"
import { usageError } from "../ExitCodes.ts"
import { bold, type OutputApi, renderTable, yellow } from "../Output.ts"
import { type AdminApi, adminCommand } from "./shared.ts"

type View = AdminOutput<"DescribeInstanceMetadataOptions">

const instance = Flag.String("instance").pipe(
  Flag.withDescription('One instance (an id or "default"); every instance when absent'),
  Flag.optional
)

export const optionsTable = (views: ReadonlyArray<View>, out: OutputApi): string =>
  renderTable(
    ["INSTANCE", "HTTP-ENDPOINT", "HTTP-TOKENS", "METADATA-TAGS"],
    views.map((v) => [
      v.InstanceId,
      v.HttpEndpoint,
      v.HttpTokens === "required" ? bold(out.color, "required (hardened)") : yellow(out.color, "optional"),
      v.InstanceMetadataTags
    ]),
    { color: out.color }
  )

const print = (json: boolean, views: ReadonlyArray<View>, out: OutputApi) =>
  json ? out.json({ MetadataOptions: views }) : out.line(optionsTable(views, out))

const describe = (api: AdminApi, instance: Option.Option<string>) =>
  Option.match(instance, {
    onNone: () => Effect.map(api.call("DescribeFleetMetadataOptions"), (all) => all.MetadataOptions),
    onSome: (id) => Effect.map(api.call("DescribeInstanceMetadataOptions", { params: { id } }), (one) => [one])
  })

const get = adminCommand("get", { instance }, (f, api, out) =>
  Effect.flatMap(describe(api, f.instance), (views) => print(f.json, views, out))
).pipe(Command.withDescription("Show metadata options (HttpEndpoint, HttpTokens, InstanceMetadataTags)"))

const set = adminCommand(
  "set",
  {
    instance,
    httpTokens: enumFlag("http-tokens", HttpTokens),
    httpEndpoint: enumFlag("http-endpoint", HttpEndpoint),
    instanceMetadataTags: enumFlag("instance-metadata-tags", InstanceMetadataTags)
  },
  (f, api, out) =>
    Effect.gen(function* () {
      const changes = {
        ...Option.match(f.httpTokens, { onNone: () => ({}), onSome: (HttpTokens) => ({ HttpTokens }) }),
        ...Option.match(f.httpEndpoint, { onNone: () => ({}), onSome: (HttpEndpoint) => ({ HttpEndpoint }) }),
        ...Option.match(f.instanceMetadataTags, {
          onNone: () => ({}),
          onSome: (InstanceMetadataTags) => ({ InstanceMetadataTags })
        })
      }
      if (Object.keys(changes).length === 0) {
        return yield* usageError("nothing to set: give --http-tokens, --http-endpoint or --instance-metadata-tags")
      }
      const target = Option.match(f.instance, { onNone: () => ({}), onSome: (InstanceId) => ({ InstanceId }) })
      const result = yield* api.call("ModifyFleetMetadataOptions", { body: { ...target, ...changes } })
      yield* print(f.json, result.MetadataOptions, out)
    })
).pipe(Command.withDescription("ModifyInstanceMetadataOptions for one instance or every instance"))

export const options = Command.make("options").pipe(
  Command.withDescription("Show or change metadata options (the ECS MetadataOptions API)"),
  Command.withSubcommands([get, set]),
  Command.withExamples([
    { command: "aliyun-imds options set --http-tokens required", description: "Forced hardened mode, every instance" },
    { command: "aliyun-imds options get --instance default --json" }
  ])
)
