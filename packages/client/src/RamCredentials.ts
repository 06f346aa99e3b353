// The instance RAM role (spec §9): its name from `ram/security-credentials/` (404 = no role; the body is used as
// is and must be a valid role name) and its STS credentials, decoded by Schema from the exact JSON.
import { Effect, type Option } from "effect"
import { decodeText, isRoleName, type RamCredentials, RamCredentialsJson } from "./Decoders.ts"
import { type ImdsError, InvalidOptions, NotFound } from "./Errors.ts"
import { invalidBody, type Read, type Reader } from "./Read.ts"

export const roleListingPath = "meta-data/ram/security-credentials/"

export interface RamAccessors {
  /** The attached role's name; None when no role is attached. */
  readonly ramRoleName: Read<Option.Option<string>>
  /** STS credentials of `role` (default: the attached role). Fails with NotFound when no role is attached. */
  readonly ramCredentials: (role?: string) => Effect.Effect<RamCredentials, ImdsError | InvalidOptions>
}

export const makeRamAccessors = (read: Reader): RamAccessors => {
  const roleName = Effect.flatMap(read.request(roleListingPath), (response) => {
    const name = decodeText(response.body)
    return isRoleName(name)
      ? Effect.succeed(name)
      : Effect.fail(invalidBody(response, `${JSON.stringify(name)} is not a RAM role name (stray whitespace?)`))
  })

  const attachedRole = roleName.pipe(
    Effect.catchTag("NotFound", (e) =>
      Effect.fail(
        new NotFound({
          path: e.path,
          status: e.status,
          attempts: e.attempts,
          mode: e.mode,
          detail:
            "no RAM role is attached to this instance (404 on ram/security-credentials/); attach one with " +
            "AttachInstanceRamRole, or use another credentials source"
        })
      )
    )
  )

  const ramCredentials = (role?: string): Effect.Effect<RamCredentials, ImdsError | InvalidOptions> => {
    if (role !== undefined && !isRoleName(role)) {
      return Effect.fail(
        new InvalidOptions({ field: "role", detail: `${JSON.stringify(role)} is not a RAM role name` })
      )
    }
    return Effect.flatMap(role === undefined ? attachedRole : Effect.succeed(role), (name) =>
      read.decode(`${roleListingPath}${name}`, RamCredentialsJson)
    )
  }

  return { ramRoleName: read.optional(roleName), ramCredentials }
}
