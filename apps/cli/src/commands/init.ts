// `aliyun-imds init` writes a commented sample fleet file (checked with core's decoder before it is written), and
// `aliyun-imds schema` prints the fleet file's JSON Schema.
import { Effect, FileSystem, Option, Result } from "effect"
import { Command, Flag } from "effect/cli"
import { parse as parseYaml } from "yaml"
import { ExitCode, fail } from "../ExitCodes.ts"
import { Output } from "../Output.ts"
import { json } from "./shared.ts"

const maxInstances = 254

/** Loaded on use: the core is large and most commands never need it. */
const core = Effect.promise(() => import("@aliyun-imds/core"))

const extraInstance = (n: number): string =>
  n === 2
    ? `  # Requests from 127.0.0.2 are served as this instance (every 127.x.y.z address is loopback on Linux:
  # curl --interface 127.0.0.2 ...). It is in forced hardened mode: token-less reads get 403. Blocks work too
  # ("127.0.0.0/24"): the longest prefix that contains a peer wins, and two instances may not bind the same range
  # (check a file with: aliyun-imds fleet check FILE).
  - hostname: web-2
    sourceAddresses: ["127.0.0.2"]
    metadataOptions:
      HttpTokens: required
    tags:
      env: prod
`
    : `  - hostname: web-${n}
    sourceAddresses: ["127.0.0.${n}"]
`

/** The sample: `count` instances, the first one the default (it answers every peer no other instance claims). */
export const sampleFleet = (
  count: number,
  seed: string
): string => `# aliyun-imds fleet file. Serve it with:  aliyun-imds serve --config <this file>
# JSON Schema (for editors and CI):  aliyun-imds schema > fleet.schema.json
# Every field left out is generated, realistic and reproducible from \`seed\`; see the schema for all fields.
version: 1
# Another seed gives other instance ids, addresses and keys.
seed: ${JSON.stringify(seed)}
# Peers that match no instance's sourceAddresses: "default" serves them as the default instance, "refuse" → 403.
unmatchedPeers: default
# Applied to every instance that does not set the field itself.
defaults:
  regionId: cn-hangzhou
  # The names and values of ECS ModifyInstanceMetadataOptions. HttpTokens: required is forced hardened mode.
  metadataOptions:
    HttpEndpoint: enabled
    HttpTokens: optional
    InstanceMetadataTags: disabled
# The ECS API endpoint (serve --ecs-port, default 8102) takes requests signed with these AccessKey pairs, or with the
# STS keys an instance's RAM role gets from the metadata service.
account:
  # Default: one pair generated from the seed (serve prints it). Your own:
  # accessKeys:
  #   - accessKeyId: LTAI5tExampleKeyId000000
  #     accessKeySecret: ExampleSecret00000000000000000
  # RunInstances with HttpTokens=required from an image whose ImdsSupport is v1: refuse (InvalidImage.ImdsSupportV1)
  # or allow.
  imdsSupportCheck: refuse
# Images the ECS API describes, besides the generated public catalogue (Alibaba Cloud Linux 3 and Ubuntu are v2).
images:
  - imageId: m-legacyapp0001
    imageName: legacy-app
    # v1: instances from it cannot be hardened-only; ModifyImageAttribute can raise it to v2, never back.
    imdsSupport: v1
instances:
  # The first instance is the default one.
  - hostname: web-1
    ramRole:
      name: AliyunImdsDemoRole
      validitySeconds: 21600 # each credential lives 6 h...
      overlapSeconds: 1800 # ...and the next one is served 30 min before it expires
    publicKeys:
      - {} # a generated ssh-ed25519 key
    tags:
      env: dev
    userData: |
      #!/bin/sh
      echo hello from aliyun-imds
${Array.from({ length: count - 1 }, (_, i) => extraInstance(i + 2)).join("")}`

export const init = Command.make(
  "init",
  {
    instances: Flag.Int("instances").pipe(
      Flag.withDescription(
        `How many instances, 1..${maxInstances} (default 2); the 2nd, 3rd… answer 127.0.0.2, 127.0.0.3…`
      ),
      Flag.filter(
        (n) => n >= 1 && n <= maxInstances,
        () => `a number of instances, 1..${maxInstances}`
      ),
      Flag.withDefault(2)
    ),
    seed: Flag.String("seed").pipe(
      Flag.withDescription('Seed of the generated values (default "aliyun-imds")'),
      Flag.withDefault("aliyun-imds")
    ),
    output: Flag.String("output").pipe(
      Flag.withAlias("o"),
      Flag.withDescription("Write to this file instead of stdout"),
      Flag.optional
    ),
    force: Flag.Boolean("force").pipe(Flag.withDescription("Overwrite --output if it exists"), Flag.withDefault(false)),
    json: json.pipe(Flag.withDescription("The same fleet as JSON, without the comments (a valid fleet file too)"))
  },
  (f) =>
    Effect.gen(function* () {
      const out = yield* Output
      const yaml = sampleFleet(f.instances, f.seed)
      const text = f.json ? `${JSON.stringify(parseYaml(yaml), null, 2)}\n` : yaml
      const { decodeFleetResult } = yield* core
      const checked = decodeFleetResult(text, f.json ? "json" : "yaml")
      if (Result.isFailure(checked)) {
        return yield* fail(ExitCode.runtime, `internal: the sample does not validate: ${checked.failure.message}`)
      }
      if (Option.isNone(f.output)) return yield* out.write(text)
      const file = f.output.value
      const fs = yield* FileSystem.FileSystem
      if (!f.force && (yield* fs.exists(file).pipe(Effect.orElseSucceed(() => false)))) {
        return yield* fail(ExitCode.runtime, `${file} already exists; pass --force to overwrite it`)
      }
      yield* fs
        .writeFileString(file, text)
        .pipe(Effect.mapError((e) => fail(ExitCode.runtime, `cannot write ${file}: ${e.message}`)))
      yield* out.note(
        `wrote ${file} (${f.instances} instance${f.instances === 1 ? "" : "s"}); serve it with: aliyun-imds serve --config ${file}`
      )
    })
).pipe(
  Command.withDescription("Write a commented sample fleet file (YAML) that validates"),
  Command.withExamples([{ command: "aliyun-imds init --instances 3 --output fleet.yaml" }])
)

export const schema = Command.make("schema", { json }, () =>
  Effect.flatMap(core, ({ fleetJsonSchema }) => Output.use((out) => out.json(fleetJsonSchema())))
).pipe(
  Command.withDescription("Print the fleet file's JSON Schema (draft 2020-12)"),
  Command.withExamples([{ command: "aliyun-imds schema > fleet.schema.json" }])
)
