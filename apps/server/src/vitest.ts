// A vitest fixture: `imds` is an emulator on loopback (real sockets, ports the OS picks) started for each test that
// uses it, or once per file with `imdsFile`, and stopped after. While it runs, ALIBABA_CLOUD_IMDS_ENDPOINT and
// ALIYUN_IMDS_ADMIN_URL point at it, so the SDK (`createImdsClient()`) and the CLI find it with no options.
import { test as base } from "vitest"
import type { ServerOptions } from "./ServerOptions.ts"
import { type RunningServer, startServer } from "./startServer.ts"

const quiet: ServerOptions = { port: 0, adminPort: 0, noEcs: true, logLevel: "silent" }

const pointedAt = async (server: RunningServer, use: (server: RunningServer) => Promise<void>) => {
  const saved = { data: process.env.ALIBABA_CLOUD_IMDS_ENDPOINT, admin: process.env.ALIYUN_IMDS_ADMIN_URL }
  process.env.ALIBABA_CLOUD_IMDS_ENDPOINT = server.dataUrl
  process.env.ALIYUN_IMDS_ADMIN_URL = server.adminUrl
  try {
    await use(server)
  } finally {
    for (const [name, value] of [
      ["ALIBABA_CLOUD_IMDS_ENDPOINT", saved.data],
      ["ALIYUN_IMDS_ADMIN_URL", saved.admin]
    ] as const) {
      if (value === undefined) delete process.env[name]
      else process.env[name] = value
    }
    await server.stop()
  }
}

/** `test` with an `imds` fixture (one emulator per test) and `imdsOptions` to configure it (`test.scoped`). */
export const test = base.extend<{ imdsOptions: ServerOptions; imds: RunningServer }>({
  imdsOptions: [{}, { injected: false }],
  imds: async ({ imdsOptions }, use) => pointedAt(await startServer({ ...quiet, ...imdsOptions }), use)
})

/** `test` with an `imdsFile` fixture: one emulator for every test of the file that uses it. */
export const fileTest = base.extend<{ $file: { imdsFile: RunningServer } }>({
  // biome-ignore lint/correctness/noEmptyPattern: vitest reads a fixture's dependencies from this destructuring
  imdsFile: [async ({}, use) => pointedAt(await startServer(quiet), use), { scope: "file" }]
})
