// The emulator under test, started the way an embedder does (startServer), under whichever runtime runs this file.
// Prints one JSON line once both listeners are up: URLs, default instance, and how long startServer took.
import { parseArgs } from "node:util"
import { startServer } from "@aliyun-imds/server"

const { values } = parseArgs({
  options: { config: { type: "string" }, "http-tokens": { type: "string" }, attribute: { type: "string" } },
  strict: true
})
const started = performance.now()
const server = await startServer({
  port: 0,
  adminPort: 0,
  logLevel: "warn",
  ...(values.config === undefined ? {} : { configPath: values.config }),
  ...(values["http-tokens"] === "required" ? { httpTokens: "required" as const } : {}),
  ...(values.attribute === "off" || values.attribute === "all" ? { attribute: values.attribute } : {})
})
const startupMs = performance.now() - started
process.stdout.write(
  `${JSON.stringify({ url: server.dataUrl, adminUrl: server.adminUrl, instanceId: server.defaultInstanceId, startupMs })}\n`
)
process.once("SIGTERM", () => void server.stop().then(() => process.exit(0)))
