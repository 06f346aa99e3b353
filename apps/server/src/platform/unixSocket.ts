// A Unix socket path made ready for a listener: a socket file left by a process that died is removed, one a live
// server still answers on is refused (never stolen), and anything that is not a socket is never touched. The socket
// appears at its path already owner-only: there is no moment at which someone else could connect.
import { chmod, lstat, mkdtemp, rename, rm, unlink } from "node:fs/promises"
import { connect } from "node:net"
import { dirname, join } from "node:path"

export class SocketPathInUse extends Error {
  override readonly name = "SocketPathInUse"
}

const answers = (path: string): Promise<boolean> =>
  new Promise((resolve) => {
    const socket = connect(path)
    socket.once("connect", () => {
      socket.destroy()
      resolve(true)
    })
    socket.once("error", () => resolve(false))
  })

export const prepareSocketPath = async (path: string): Promise<void> => {
  const stat = await lstat(path).catch((e: NodeJS.ErrnoException) => {
    if (e.code === "ENOENT") return null
    throw e
  })
  if (stat === null) return
  if (!stat.isSocket()) throw new SocketPathInUse(`${path} exists and is not a socket; remove it or pick another path`)
  if (await answers(path)) throw new SocketPathInUse(`another server is listening on ${path}`)
  await unlink(path)
}

const removeSocketPath = (path: string): Promise<void> =>
  unlink(path).catch((e: NodeJS.ErrnoException) => {
    if (e.code !== "ENOENT") throw e
  })

export interface PublishedSocket {
  /** Removes the socket file once its listener closed, unless another server's file replaced it meanwhile. */
  readonly remove: () => Promise<void>
}

/**
 * Listens on `path` with owner-only access (0600 by default: file permissions, not a token, guard a socket listener)
 * from the first moment: `listen` binds inside a fresh 0700 directory beside `path`, the socket gets its mode there,
 * and only then is it renamed into place (atomic on one file system). A chmod after binding at `path` would leave a
 * window in which anyone could connect. The runtime unlinks the path it bound (now gone) on close, so removing
 * `path` is the caller's, through `remove`.
 */
export const listenPrivately = async (
  path: string,
  listen: (at: string) => Promise<void>,
  mode = 0o600
): Promise<PublishedSocket> => {
  const staging = await mkdtemp(join(dirname(path), ".imds-"))
  const at = join(staging, "s")
  try {
    await listen(at)
    await chmod(at, mode)
    await rename(at, path)
  } finally {
    await rm(staging, { recursive: true, force: true })
  }
  const { ino } = await lstat(path)
  return {
    remove: async () => {
      const now = await lstat(path).catch(() => null)
      if (now?.ino === ino) await removeSocketPath(path)
    }
  }
}
