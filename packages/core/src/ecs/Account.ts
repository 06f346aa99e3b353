// The account the ECS API endpoint serves: the AccessKey pairs it accepts (the fleet file's `account` section, or one
// pair generated from the seed) and whether it refuses hardened-only instances from images without IMDSv2 support.
import { Schema } from "effect"
import { makeRandom } from "../fleet/SeededRandom.ts"

const opt = Schema.optionalKey

const ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

export const AccessKeyInput = Schema.Struct({
  accessKeyId: Schema.String.pipe(
    Schema.check(
      Schema.isPattern(/^(?!STS\.)[A-Za-z0-9]{8,64}$/u, {
        expected: 'an AccessKey id (8 to 64 letters and digits, not starting "STS.")'
      })
    )
  ),
  accessKeySecret: Schema.String.pipe(
    Schema.check(Schema.isPattern(/^[\x21-\x7e]{8,128}$/u, { expected: "an AccessKey secret (8 to 128 printable)" }))
  )
})
export type AccessKey = typeof AccessKeyInput.Type

/** What a RunInstances/CreateInstance asking for HttpTokens=required from an ImdsSupport=v1 image gets. */
export const ImdsSupportCheck = Schema.Literals(["refuse", "allow"]).annotate({
  description:
    "refuse (default): HttpTokens=required from an image whose Features.ImdsSupport is v1 fails with " +
    "InvalidImage.ImdsSupportV1 (the real error is undocumented); allow: create it anyway"
})
export type ImdsSupportCheck = typeof ImdsSupportCheck.Type

export const AccountInput = Schema.Struct({
  accessKeys: opt(
    Schema.Array(AccessKeyInput).annotate({
      description: "AccessKey pairs the ECS API endpoint accepts; default one pair generated from the seed."
    })
  ),
  imdsSupportCheck: opt(ImdsSupportCheck)
})
export type AccountInput = typeof AccountInput.Type

export interface Account {
  readonly accessKeys: ReadonlyArray<AccessKey>
  readonly imdsSupportCheck: ImdsSupportCheck
}

/** A pair shaped like a RAM user's (`LTAI5t` + 18, secret of 30), the same for the same seed. */
export const generatedAccessKey = (seed: string): AccessKey => {
  const random = makeRandom(seed, "account/access-key")
  return { accessKeyId: `LTAI5t${random.chars(18, ALNUM)}`, accessKeySecret: random.chars(30, ALNUM) }
}

export const resolveAccount = (seed: string, input: AccountInput | undefined): Account => ({
  accessKeys:
    input?.accessKeys === undefined || input.accessKeys.length === 0 ? [generatedAccessKey(seed)] : input.accessKeys,
  imdsSupportCheck: input?.imdsSupportCheck ?? "refuse"
})
