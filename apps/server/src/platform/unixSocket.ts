// A Unix socket path made ready for a listener: a socket file left by a process that died is removed, one a live
// server still answers on is refused (never stolen), and anything that is not a socket is never touched.
import { chmod, lstat, unlink } from "node:fs/promises"
import { connect } from "node:net"

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

/** Removes the socket file after its listener closed (Bun leaves it behind); gone already is fine. */
export const removeSocketPath = (path: string): Promise<void> =>
  unlink(path).catch((e: NodeJS.ErrnoException) => {
    if (e.code !== "ENOENT") throw e
  })

/** Owner-only access (0600) by default: file permissions are what guard a socket listener, not a token. */
export const restrictSocketPath = (path: string, mode = 0o600): Promise<void> => chmod(path, mode)
