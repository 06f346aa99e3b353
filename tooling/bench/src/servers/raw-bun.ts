// Baseline: the smallest Bun.serve server answering a 10-byte body. Runs under Bun only.
interface BunLike {
  serve(options: { hostname: string; port: number; fetch: () => Response }): {
    port: number
    stop(force: boolean): void
  }
}

const bun = (globalThis as unknown as { Bun: BunLike }).Bun
const server = bun.serve({
  hostname: "127.0.0.1",
  port: 0,
  fetch: () => new Response("0123456789", { headers: { "content-type": "text/plain" } })
})
process.stdout.write(`${JSON.stringify({ url: `http://127.0.0.1:${server.port}` })}\n`)
process.once("SIGTERM", () => {
  server.stop(true)
  process.exit(0)
})
