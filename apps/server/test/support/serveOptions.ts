// Test driver: starts the emulator from ServerOptions given as one JSON argument (behaviour switches the command line
// has no flags for) on whichever runtime runs this file, prints main.ts's banner and stops on SIGTERM/SIGINT.
import type { ServerOptions } from "../../src/ServerOptions.ts"
import { startServer } from "../../src/startServer.ts"

const options = JSON.parse(process.argv[2] ?? "{}") as ServerOptions
const server = await startServer(options)
process.stdout.write(
  `aliyun-imds (${server.runtime}) serving instance ${server.defaultInstanceId}\n` +
    `  metadata: ${server.dataUrl}\n  admin:    ${server.adminUrl}\n`
)
const shutdown = () => void server.stop().then(() => process.exit(0))
process.once("SIGINT", shutdown)
process.once("SIGTERM", shutdown)
