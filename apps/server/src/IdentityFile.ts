// Persists the identity signing material (certificate + PKCS#8 key, as JSON) so a restarted emulator keeps signing
// with the same certificate users have pinned. Created on first use, owner-only permissions.
import { existsSync } from "node:fs"
import { readFile, writeFile } from "node:fs/promises"
import type { IdentityPem } from "@aliyun-imds/core"

export class IdentityFileError extends Error {
  override readonly name = "IdentityFileError"
}

export const readIdentityFile = async (path: string): Promise<IdentityPem | undefined> => {
  if (!existsSync(path)) return undefined
  const text = await readFile(path, "utf8")
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    throw new IdentityFileError(`identity file ${path} is not JSON; delete it to generate a new certificate`)
  }
  const { certificatePem, privateKeyPem } = (value ?? {}) as Partial<IdentityPem>
  if (typeof certificatePem !== "string" || typeof privateKeyPem !== "string") {
    throw new IdentityFileError(`identity file ${path} needs string fields certificatePem and privateKeyPem`)
  }
  return { certificatePem, privateKeyPem }
}

export const writeIdentityFile = (path: string, pem: IdentityPem): Promise<void> =>
  writeFile(path, `${JSON.stringify(pem, null, 2)}\n`, { mode: 0o600 })
