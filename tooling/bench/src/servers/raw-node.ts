// Baseline: the smallest node:http server (same Node binary as the emulator) answering a 10-byte body.
import { createServer } from "node:http"
import type { AddressInfo } from "node:net"

const body = "0123456789"
const server = createServer((_request, response) => {
  response.writeHead(200, { "content-type": "text/plain", "content-length": "10" })
  response.end(body)
})
server.listen(0, "127.0.0.1", () => {
  const { port } = server.address() as AddressInfo
  process.stdout.write(`${JSON.stringify({ url: `http://127.0.0.1:${port}` })}\n`)
})
process.once("SIGTERM", () => {
  server.close(() => process.exit(0))
  server.closeAllConnections()
})
