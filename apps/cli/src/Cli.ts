// The `aliyun-imds` command tree: the emulator, the client side (through @aliyun-imds/client) and the admin side
// (through the admin API). Commands live in ./commands; bin.ts picks the platform and runs this tree.
import { Command } from "effect/cli"
import { audit } from "./commands/audit.ts"
import { check } from "./commands/check.ts"
import { clock } from "./commands/clock.ts"
import { credentials } from "./commands/credentials.ts"
import { events, spot } from "./commands/events.ts"
import { exec } from "./commands/exec.ts"
import { certificate, reload, reset, revokeTokens } from "./commands/fleet.ts"
import { fleet } from "./commands/fleetFile.ts"
import { get, token } from "./commands/get.ts"
import { identity } from "./commands/identity.ts"
import { init, schema } from "./commands/init.ts"
import { instances, set } from "./commands/instances.ts"
import { journal } from "./commands/journal.ts"
import { options } from "./commands/options.ts"
import { role } from "./commands/role.ts"
import { faults, throttle } from "./commands/rules.ts"
import { sandbox } from "./commands/sandbox.ts"
import { serve } from "./commands/serve.ts"
import { stats } from "./commands/stats.ts"

export const cli = Command.make("aliyun-imds").pipe(
  Command.withDescription(
    "Emulate Alibaba Cloud ECS instance metadata (IMDS): serve it, query it like an instance, and script it"
  ),
  Command.withSubcommands([
    { group: "Emulator", commands: [serve, sandbox, check, exec, init, schema, fleet] },
    { group: "Client (like code on the instance)", commands: [get, token, credentials, identity] },
    {
      group: "Admin (drives a running emulator)",
      commands: [options, instances, set, role, clock, spot, events, throttle, faults]
    },
    { group: "Observe and reset", commands: [stats, audit, journal, revokeTokens, reload, reset, certificate] }
  ]),
  Command.withExamples([
    { command: "aliyun-imds serve", description: "Start the emulator (metadata :8100, admin :8101)" },
    { command: "aliyun-imds get meta-data/instance-id", description: "Read an item in hardened (token) mode" },
    { command: "aliyun-imds options set --http-tokens required", description: "Switch to forced hardened mode" },
    { command: "aliyun-imds stats", description: "Who still reads without a token?" }
  ])
)
