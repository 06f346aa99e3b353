// User data as given in a fleet file: text (`userData`) or base64 (`userDataBase64`), capped at 16 KiB before
// encoding like the real service. Binary content that is not UTF-8 is kept byte-for-byte as a latin1 string.
import { Result } from "effect"
import { Base64 } from "effect/encoding"

export const maxUserDataBytes = 16 * 1024

export interface UserDataSource {
  readonly userData?: string | null
  readonly userDataBase64?: string
}

export type UserDataProblem = "both" | "base64" | "size"

const encoder = new TextEncoder()
const utf8 = new TextDecoder("utf-8", { fatal: true })

const bytesToText = (bytes: Uint8Array): string => {
  try {
    return utf8.decode(bytes)
  } catch {
    let out = ""
    for (const b of bytes) out += String.fromCharCode(b)
    return out
  }
}

/** The user data a source sets (`null`: explicitly none, `undefined`: not set), or what is wrong with it. */
export const readUserData = (
  source: UserDataSource
): Result.Result<string | null | undefined, { readonly problem: UserDataProblem; readonly field: string }> => {
  if (source.userDataBase64 !== undefined) {
    if (source.userData !== undefined) return Result.fail({ problem: "both", field: "userDataBase64" })
    const bytes = Base64.decode(source.userDataBase64.trim())
    if (Result.isFailure(bytes)) return Result.fail({ problem: "base64", field: "userDataBase64" })
    if (bytes.success.length > maxUserDataBytes) return Result.fail({ problem: "size", field: "userDataBase64" })
    return Result.succeed(bytesToText(bytes.success))
  }
  const text = source.userData
  if (typeof text === "string" && encoder.encode(text).length > maxUserDataBytes) {
    return Result.fail({ problem: "size", field: "userData" })
  }
  return Result.succeed(text)
}

export const userDataProblemMessage: Record<UserDataProblem, string> = {
  both: "give either userData or userDataBase64, not both",
  base64: "expected valid base64",
  size: `user data exceeds ${maxUserDataBytes} bytes (16 KiB) before encoding`
}
