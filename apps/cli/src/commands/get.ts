// Client side, through the SDK: `get <path>` prints a metadata item's exact bytes, `token` prints a session token
// (for scripts, and for `get --token` later — a saved token is used as is, so its expiry shows as a 401).
import { Effect, Option } from "effect"
import { Argument, Command, Flag } from "effect/cli"
import { Base64 } from "effect/encoding"
import type { CliFailure } from "../ExitCodes.ts"
import { type Body, getWithToken, issueToken, withClient } from "../ImdsAccess.ts"
import { Output } from "../Output.ts"
import { imdsFlags } from "./shared.ts"

const fatalDecoder = new TextDecoder("utf-8", { fatal: true })

const asText = (bytes: Uint8Array): Option.Option<string> => {
  try {
    return Option.some(fatalDecoder.decode(bytes))
  } catch {
    return Option.none()
  }
}

/** JSON view of a body: text when it is UTF-8, base64 otherwise (binary user data). */
export const bodyJson = (r: Body) => ({
  path: r.path,
  mode: r.mode,
  attempts: r.attempts,
  ...Option.match(asText(r.body), {
    onSome: (body) => ({ body }),
    onNone: () => ({ bodyBase64: Base64.encode(r.body) })
  })
})

const printBody = (json: boolean, r: Body) =>
  Effect.gen(function* () {
    const out = yield* Output
    if (json) return yield* out.json(bodyJson(r))
    yield* out.write(r.body)
    // A terminal gets its prompt back on a line of its own; pipes get the bytes exactly.
    if (out.isTty && r.body.at(-1) !== 0x0a) yield* out.write("\n")
  })

export const get = Command.make(
  "get",
  {
    path: Argument.String("path").pipe(
      Argument.withDescription("Relative to /latest/ (meta-data/instance-id, user-data) or absolute (/2016-01-01/…)")
    ),
    token: Flag.String("token").pipe(
      Flag.withDescription("Use this saved token (from 'aliyun-imds token') as is; a 401 is not retried"),
      Flag.optional
    ),
    ...imdsFlags
  },
  (f) =>
    Option.match(f.token, {
      onSome: (token): Effect.Effect<Body, CliFailure> => getWithToken(f, f.path, token),
      onNone: (): Effect.Effect<Body, CliFailure> => withClient(f, (client) => client.get(f.path))
    }).pipe(Effect.flatMap((r) => printBody(f.json, r)))
).pipe(
  Command.withDescription("Read a metadata item and print its exact bytes"),
  Command.withExamples([
    { command: "aliyun-imds get meta-data/instance-id", description: "Hardened (token) mode, the default" },
    { command: "aliyun-imds get meta-data/ --mode normal", description: "A listing, without a token" },
    { command: 'aliyun-imds get meta-data/region-id --token "$TOKEN"', description: "With a saved token" }
  ])
)

export const token = Command.make(
  "token",
  { endpoint: imdsFlags.endpoint, ttl: imdsFlags.ttl, json: imdsFlags.json },
  (f) =>
    Effect.gen(function* () {
      const out = yield* Output
      const issued = yield* issueToken({ ...f, mode: "token" })
      if (f.json) {
        return yield* out.json({ ...issued, expiresAt: new Date(issued.expiresAt).toISOString() })
      }
      yield* out.write(out.isTty ? `${issued.token}\n` : issued.token)
    })
).pipe(
  Command.withDescription("Get a metadata session token (PUT /latest/api/token) and print it"),
  Command.withExamples([
    { command: "TOKEN=$(aliyun-imds token --ttl 60)", description: "Save a token that expires in a minute" }
  ])
)
