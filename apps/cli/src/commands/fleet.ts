// Whole-emulator operations through the admin API: revoke every token, reload the fleet file, reset state, and
// print the certificate that signs identity documents.

import type { AdminOutput } from "@aliyun-imds/admin-api"
import { Effect } from "effect"
import { Command, Flag } from "effect/cli"
import type { OutputApi } from "../Output.ts"
import { adminCommand } from "./shared.ts"

type FleetStatus = AdminOutput<"ResetFleet">

const status = (verb: string, s: FleetStatus, json: boolean, out: OutputApi) =>
  json ? out.json(s) : out.line(`${verb} ${s.source}: ${s.instanceCount} instance(s), default ${s.defaultInstanceId}`)

export const revokeTokens = adminCommand("revoke-tokens", {}, (f, api, out) =>
  Effect.flatMap(api.call("RevokeTokens"), () =>
    f.json ? out.json({ revoked: true }) : out.line("revoked every outstanding metadata token (they now get 401)")
  )
).pipe(Command.withDescription("Revoke every outstanding metadata token"))

export const reload = adminCommand("reload", {}, (f, api, out) =>
  Effect.flatMap(api.call("ReloadFleet"), (s) =>
    f.json
      ? out.json(s)
      : Effect.andThen(
          Effect.forEach(s.warnings, (w) => out.line(`warning: ${w}`), { discard: true }),
          status("reloaded", s, false, out)
        )
  )
).pipe(
  Command.withDescription(
    "Read the fleet file again (a bad file, or a range bound to two instances, is refused and the running fleet " +
      "stays; nested address bindings are printed as warnings)"
  )
)

export const reset = adminCommand(
  "reset",
  {
    all: Flag.Boolean("all").pipe(
      Flag.withDescription("Also reset the clock, throttle and fault rules, counters and journal, and revoke tokens"),
      Flag.withDefault(false)
    )
  },
  (f, api, out) =>
    Effect.flatMap(api.call("ResetFleet", { body: f.all ? { all: true } : {} }), (s) =>
      status("reset to", s, f.json, out)
    )
).pipe(Command.withDescription("Back to the loaded fleet (run-time changes undone)"))

export const certificate = adminCommand("certificate", {}, (f, api, out) =>
  Effect.flatMap(api.call("DescribeIdentityCertificate"), (pem) =>
    f.json ? out.json({ certificatePem: pem }) : out.write(pem)
  )
).pipe(Command.withDescription("Print the PEM certificate that signs identity documents (for identity --verify)"))
