// `options get|set`: ECS DescribeInstances MetadataOptions / ModifyInstanceMetadataOptions through the admin API.
// `options set --http-tokens required` is forced hardened mode: token-less reads get 403 from then on.
import { Effect, Option } from "effect"
import { Command, Flag } from "effect/cli"
import type { AdminApi } from "../AdminClient.ts"
import { usageError } from "../ExitCodes.ts"
import { bold, type OutputApi, renderTable, yellow } from "../Output.ts"
import { adminCommand } from "./shared.ts"

type View = Effect.Success<ReturnType<AdminApi["metadataOptions"]>>[number]

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

const get = adminCommand("get", { instance }, (f, api, out) =>
  Effect.flatMap(api.metadataOptions(f.instance), (views) => print(f.json, views, out))
).pipe(Command.withDescription("Show metadata options (HttpEndpoint, HttpTokens, InstanceMetadataTags)"))

const set = adminCommand(
  "set",
  {
    instance,
    httpTokens: Flag.Literals("http-tokens", ["optional", "required"]).pipe(
      Flag.withDescription("required: forced hardened mode (token-less reads get 403)"),
      Flag.optional
    ),
    httpEndpoint: Flag.Literals("http-endpoint", ["enabled", "disabled"]).pipe(
      Flag.withDescription("disabled: every metadata request gets 403"),
      Flag.optional
    ),
    instanceMetadataTags: Flag.Literals("instance-metadata-tags", ["enabled", "disabled"]).pipe(
      Flag.withDescription("enabled: serve the instance's tags under meta-data/tags/instance/"),
      Flag.optional
    )
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
      yield* print(f.json, yield* api.modifyMetadataOptions({ ...target, ...changes }), out)
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
