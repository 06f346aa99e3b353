// `identity`: the instance identity document and its PKCS#7 signature (optionally for an audience), and with
// `--verify --cert FILE` an offline check of the signature against the signer's certificate.
import { Effect, FileSystem, Option } from "effect"
import { Command, Flag } from "effect/cli"
import { ExitCode, fail, usageError } from "../ExitCodes.ts"
import { withClient } from "../ImdsAccess.ts"
import { green, Output, red, renderFields } from "../Output.ts"
import { imdsFlags } from "./shared.ts"

const readCertificate = (file: string) =>
  Effect.gen(function* () {
    const fs = yield* FileSystem.FileSystem
    return yield* fs
      .readFileString(file)
      .pipe(
        Effect.mapError((e) =>
          fail(
            ExitCode.runtime,
            `cannot read --cert ${file}: ${e.message}; get it with 'aliyun-imds certificate > ${file}'`
          )
        )
      )
  })

export const identity = Command.make(
  "identity",
  {
    audience: Flag.String("audience").pipe(
      Flag.withDescription("Sign for this audience (pkcs7?audience=…); it is spliced into the signed content"),
      Flag.optional
    ),
    verify: Flag.Boolean("verify").pipe(
      Flag.withDescription("Check the signature against --cert (exit 1 when it does not verify)"),
      Flag.withDefault(false)
    ),
    cert: Flag.String("cert").pipe(
      Flag.withDescription("PEM certificate of the signer ('aliyun-imds certificate')"),
      Flag.optional
    ),
    ...imdsFlags
  },
  (f) =>
    Effect.gen(function* () {
      const out = yield* Output
      if (f.verify && Option.isNone(f.cert)) {
        return yield* usageError(
          "--verify needs --cert FILE (save the signer's certificate with 'aliyun-imds certificate > FILE')"
        )
      }
      const pem =
        f.verify && Option.isSome(f.cert) ? Option.some(yield* readCertificate(f.cert.value)) : Option.none<string>()
      const audience = Option.getOrUndefined(f.audience)
      const { document, pkcs7, verification } = yield* withClient(f, (client) =>
        Effect.gen(function* () {
          const document = JSON.parse(yield* client.getText("dynamic/instance-identity/document")) as Record<
            string,
            unknown
          >
          const pkcs7 = yield* client.identityPkcs7(audience)
          const verification = Option.isSome(pem)
            ? Option.some(yield* client.verifyIdentity(pkcs7, pem.value))
            : Option.none()
          return { document, pkcs7, verification }
        })
      )
      const verified = Option.map(
        verification,
        (v) => v.valid && (audience === undefined || v.document?.audience === audience)
      )
      if (f.json) {
        yield* out.json({
          document,
          ...(audience === undefined ? {} : { audience }),
          pkcs7,
          ...Option.match(verified, { onNone: () => ({}), onSome: (ok) => ({ verified: ok }) })
        })
      } else {
        const rows: Array<readonly [string, string]> = Object.entries(document).map(([k, v]) => [k, String(v)])
        if (audience !== undefined) rows.push(["audience", audience])
        rows.push(["pkcs7", `${pkcs7.slice(0, 24)}… (${pkcs7.length} base64 chars; --json prints all of it)`])
        if (Option.isSome(verified)) {
          rows.push(["verified", verified.value ? green(out.color, "yes") : red(out.color, "NO")])
        }
        yield* out.line(renderFields(rows, out.color))
      }
      if (Option.isSome(verified) && !verified.value) {
        return yield* fail(
          ExitCode.runtime,
          `the identity signature does not verify against ${Option.getOrElse(f.cert, () => "")}`
        )
      }
    })
).pipe(
  Command.withDescription("Print the identity document and its PKCS#7 signature; --verify checks it offline"),
  Command.withExamples([
    { command: "aliyun-imds identity --audience my-service --json" },
    { command: "aliyun-imds certificate > signer.pem && aliyun-imds identity --verify --cert signer.pem" }
  ])
)
