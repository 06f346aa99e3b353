// `credentials`: the instance RAM role's STS credentials through the SDK, as JSON (the metadata's own field names),
// as shell assignments to `eval`, or as a table on a terminal.
import type { RamCredentials } from "@aliyun-imds/client"
import { Effect, Option } from "effect"
import { Command, Flag } from "effect/cli"
import { withClient } from "../ImdsAccess.ts"
import { Output, renderFields } from "../Output.ts"
import { imdsFlags } from "./shared.ts"

const utcSeconds = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, "Z")

export const credentialsJson = (c: RamCredentials) => ({
  AccessKeyId: c.accessKeyId,
  AccessKeySecret: c.accessKeySecret,
  SecurityToken: c.securityToken,
  Expiration: utcSeconds(c.expiration),
  LastUpdated: utcSeconds(c.lastUpdated),
  Code: c.code
})

/** Single-quoted for the shell unless the value is plainly safe (keys and STS tokens normally are). */
const shellWord = (value: string) => (/^[A-Za-z0-9+/=._:-]*$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`)

export const envNames = [
  "ALIBABA_CLOUD_ACCESS_KEY_ID",
  "ALIBABA_CLOUD_ACCESS_KEY_SECRET",
  "ALIBABA_CLOUD_SECURITY_TOKEN"
] as const

/** `NAME=value` lines, then one `export` line: `eval "$(aliyun-imds credentials --format env)"`. */
export const credentialsEnv = (c: RamCredentials): string => {
  const values = [c.accessKeyId, c.accessKeySecret, c.securityToken]
  return [...envNames.map((name, i) => `${name}=${shellWord(values[i]!)}`), `export ${envNames.join(" ")}`].join("\n")
}

export const credentials = Command.make(
  "credentials",
  {
    role: Flag.String("role").pipe(Flag.withDescription("RAM role name (default: the attached role)"), Flag.optional),
    format: Flag.Literals("format", ["json", "env"]).pipe(
      Flag.withDescription(
        "json: the metadata's JSON; env: shell assignments to eval (default: a table on a terminal)"
      ),
      Flag.optional
    ),
    ...imdsFlags
  },
  (f) =>
    Effect.gen(function* () {
      const out = yield* Output
      const creds = yield* withClient(f, (client) => client.ramCredentials(Option.getOrUndefined(f.role)))
      const format = f.json ? "json" : Option.getOrElse(f.format, () => (out.isTty ? "table" : "json"))
      if (format === "env") return yield* out.line(credentialsEnv(creds))
      if (format === "json") return yield* out.json(credentialsJson(creds))
      const view = credentialsJson(creds)
      yield* out.line(renderFields(Object.entries(view), out.color))
    })
).pipe(
  Command.withDescription("Print the RAM role's STS credentials (ram/security-credentials/<role>)"),
  Command.withExamples([
    { command: 'eval "$(aliyun-imds credentials --format env)"', description: "Export them to this shell" },
    { command: "aliyun-imds credentials --role AliyunImdsDemoRole --format json" }
  ])
)
