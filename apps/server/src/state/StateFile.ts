// The state file: the first adapter of the core's state store port. Loading reads and checks the document; a flush
// writes the whole document atomically (a temporary file in the same directory, fsync, rename over the file, fsync
// the directory), so a crash at any moment leaves either the previous document or the new one, never a mix.
import { open, readdir, readFile, rename, unlink } from "node:fs/promises"
import { basename, dirname, join } from "node:path"
import {
  decodeStateDocumentResult,
  encodeStateDocument,
  type StateChange,
  type StateDocument,
  StateNotSaved,
  type StateStoreApi,
  StateUnreadable,
  stateVersion
} from "@aliyun-imds/core"
import { Effect, Result } from "effect"

const errno = (e: unknown): string => {
  const error = e as NodeJS.ErrnoException
  return error.code ?? (error instanceof Error ? error.message : String(e))
}

/** The temporary files a write of `path` uses, named so a later start can remove ones a crash left. */
const tempPrefix = (path: string) => `${basename(path)}.tmp-`

/** Writes `text` to `path` atomically and durably (the rename itself is made durable by syncing the directory). */
export const writeFileAtomic = async (path: string, text: string): Promise<void> => {
  const temp = join(dirname(path), `${tempPrefix(path)}${process.pid}`)
  const file = await open(temp, "w", 0o600)
  try {
    await file.writeFile(text, "utf8")
    await file.sync()
  } finally {
    await file.close()
  }
  await rename(temp, path)
  const dir = await open(dirname(path), "r")
  try {
    await dir.sync()
  } catch (e) {
    // Some file systems cannot sync a directory; the rename is still atomic there.
    if (!["EINVAL", "EISDIR", "EPERM", "ENOTSUP"].includes(errno(e))) throw e
  } finally {
    await dir.close()
  }
}

/** Removes temporary files that writes of `path` left behind when their process died mid-write. */
export const removeStaleTemporaries = async (path: string): Promise<ReadonlyArray<string>> => {
  const prefix = tempPrefix(path)
  const names = (await readdir(dirname(path)).catch(() => [] as Array<string>)).filter((n) => n.startsWith(prefix))
  await Promise.all(names.map((n) => unlink(join(dirname(path), n)).catch(() => {})))
  return names
}

export interface StateFile extends StateStoreApi {
  readonly path: string
}

/** The state store of the file at `path` (absolute). Nothing is written before the first flush. */
export const stateFile = (path: string): StateFile => {
  let document: Partial<StateDocument> = {}
  /** Changes applied, and how many of them the file holds. */
  let applied = 0
  let written = 0
  return {
    path,
    load: Effect.flatMap(
      Effect.tryPromise({
        try: () =>
          readFile(path, "utf8").catch((e: NodeJS.ErrnoException) => {
            if (e.code === "ENOENT") return null
            throw e
          }),
        catch: (e) => new StateUnreadable({ reason: errno(e) })
      }),
      (text) => {
        if (text === null) return Effect.succeed(null)
        const decoded = decodeStateDocumentResult(text)
        if (Result.isSuccess(decoded)) document = decoded.success
        return Effect.fromResult(decoded)
      }
    ),
    apply: (change: StateChange) =>
      Effect.sync(() => {
        document = { ...document, ...change }
        applied++
      }),
    flush: Effect.suspend(() => {
      if (written === applied) return Effect.void
      const writing = applied
      const text = encodeStateDocument({ ...document, version: stateVersion } as StateDocument)
      return Effect.tryPromise({
        try: () => writeFileAtomic(path, text),
        catch: (e) => new StateNotSaved({ reason: `cannot write ${path}: ${errno(e)}` })
      }).pipe(
        Effect.tap(() =>
          Effect.sync(() => {
            written = writing
          })
        )
      )
    })
  }
}
