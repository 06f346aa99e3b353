// `role attach|detach|rotate`: the instance RAM role behind `ram/security-credentials/`, through the admin API.

import type { AdminOutput } from "@aliyun-imds/admin-api"
import { Effect, Option } from "effect"
import { Argument, Command, Flag } from "effect/cli"
import { type OutputApi, renderFields } from "../Output.ts"
import { adminCommand, instanceFlag } from "./shared.ts"

type WithCredential = AdminOutput<"RotateInstanceRamRoleCredentials">

const describe = (r: WithCredential, out: OutputApi) =>
  renderFields(
    [
      ["instance", r.instanceId],
      ["role", r.role.name],
      ["access-key-id", r.credential.AccessKeyId],
      ["expiration", r.credential.Expiration],
      ["validity", `${r.role.validitySeconds}s (rotates ${r.role.overlapSeconds}s before expiry)`]
    ],
    out.color
  )

const seconds = (name: string, description: string) =>
  Flag.Int(name).pipe(
    Flag.withDescription(description),
    Flag.filter(
      (n) => n >= 0,
      () => "a number of seconds, 0 or more"
    ),
    Flag.optional
  )

const attach = adminCommand(
  "attach",
  {
    name: Argument.String("role").pipe(Argument.withDescription("RAM role name (A-Z a-z 0-9 . _ -)")),
    instance: instanceFlag,
    validity: seconds("validity", "Credential validity in seconds (default 21600)"),
    overlap: seconds("overlap", "Serve the next credential this many seconds before expiry (default 1800)")
  },
  (f, api, out) =>
    Effect.gen(function* () {
      const r = yield* api.call("AttachInstanceRamRole", {
        params: { id: f.instance },
        body: {
          name: f.name,
          ...Option.match(f.validity, { onNone: () => ({}), onSome: (validitySeconds) => ({ validitySeconds }) }),
          ...Option.match(f.overlap, { onNone: () => ({}), onSome: (overlapSeconds) => ({ overlapSeconds }) })
        }
      })
      yield* f.json ? out.json(r) : out.line(describe(r, out))
    })
).pipe(Command.withDescription("Attach (or replace) the RAM role; a new credential series starts now"))

const detach = adminCommand("detach", { instance: instanceFlag }, (f, api, out) =>
  Effect.flatMap(api.call("DetachInstanceRamRole", { params: { id: f.instance } }), (r) =>
    f.json ? out.json(r) : out.line(`${r.instanceId}: no RAM role (ram/security-credentials/ now answers 404)`)
  )
).pipe(Command.withDescription("Detach the RAM role"))

const rotate = adminCommand("rotate", { instance: instanceFlag }, (f, api, out) =>
  Effect.flatMap(api.call("RotateInstanceRamRoleCredentials", { params: { id: f.instance } }), (r) =>
    f.json ? out.json(r) : out.line(describe(r, out))
  )
).pipe(Command.withDescription("Force a rotation: new keys from now on"))

export const role = Command.make("role").pipe(
  Command.withDescription("Attach, detach or rotate the instance RAM role"),
  Command.withSubcommands([attach, detach, rotate]),
  Command.withExamples([{ command: "aliyun-imds role attach AppRole --validity 3600" }])
)
