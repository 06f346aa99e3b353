// What a process that only serves does once the emulator is up: print the banner (both URLs, read by scripts and
// tests) and stop cleanly on SIGINT or SIGTERM.
import type { RunningServer } from "./startServer.ts"

export const banner = (server: RunningServer): string =>
  `aliyun-imds (${server.runtime}) serving instance ${server.defaultInstanceId}\n` +
  `  metadata: ${server.dataUrl}\n  admin:    ${server.adminUrl}\n`

/** Prints the banner, then on SIGINT or SIGTERM stops the server and exits 0. */
export const serveUntilSignalled = (server: RunningServer): void => {
  process.stdout.write(banner(server))
  const shutdown = () => void server.stop().then(() => process.exit(0))
  process.once("SIGINT", shutdown)
  process.once("SIGTERM", shutdown)
}
