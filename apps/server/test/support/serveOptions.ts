// Test driver: starts the emulator from ServerOptions given as one JSON argument (behaviour switches the command line
// has no flags for) on whichever runtime runs this file, prints main.ts's banner and stops on SIGTERM/SIGINT.

import type { ServerOptions } from "../../src/ServerOptions.ts"
import { serveUntilSignalled } from "../../src/serveProcess.ts"
import { startServer } from "../../src/startServer.ts"

serveUntilSignalled(await startServer(JSON.parse(process.argv[2] ?? "{}") as ServerOptions))
