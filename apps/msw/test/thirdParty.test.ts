// Unmodified third-party clients under msw's setupServer, answered in-process by the emulator's own rules: the
// Alibaba credentials provider (default chain and disableIMDSv1) and the OpenTelemetry detector, in optional and
// required mode, with the journal read through `imds.call`. No port is opened and no connection is made.
import net from "node:net"
import alicloud, { Config } from "@alicloud/credentials"
import { alibabaCloudEcsDetector } from "@opentelemetry/resource-detector-alibaba-cloud"
import { setupServer } from "msw/node"
import { afterAll, afterEach, assert, beforeAll, beforeEach, describe, it, vi } from "vitest"
import { createImds, type Imds } from "../src/index.ts"

type CredentialClass = typeof alicloud.default
// Node's loader hands over `module.exports` as the default import, vitest's interop `exports.default`: accept both.
const Credential: CredentialClass =
  typeof alicloud === "function" ? (alicloud as unknown as CredentialClass) : alicloud.default

const listen = vi.spyOn(net.Server.prototype, "listen")
// A real connection starts at the TCP handle's own connect, whatever the layers above do (msw 2 makes no socket for a
// handled request; msw 3 makes one and replaces `connect` on its handle). Stubbed, so a miss is counted, never sent.
const { TCP } = (process as unknown as { binding: (name: string) => { TCP: { prototype: object } } }).binding(
  "tcp_wrap"
)
const refused = -111 // UV_ECONNREFUSED
const connect = vi.spyOn(TCP.prototype as { connect: () => number }, "connect").mockImplementation(() => refused)
const connect6 = vi.spyOn(TCP.prototype as { connect6: () => number }, "connect6").mockImplementation(() => refused)

let imds: Imds
const server = setupServer()

beforeAll(async () => {
  imds = await createImds({ seed: "msw-third-party" })
  server.use(...imds.handlers)
  server.listen({ onUnhandledFrame: "error" })
})

afterAll(async () => {
  server.close()
  await imds.dispose()
})

beforeEach(async () => {
  for (const name of ["ALIBABA_CLOUD_ECS_METADATA", "ALIBABA_CLOUD_IMDSV1_DISABLED"]) vi.stubEnv(name, undefined)
  await imds.call("ClearJournal")
})

afterEach(() => {
  vi.unstubAllEnvs()
  assert.strictEqual(listen.mock.calls.length, 0, "a port was opened")
  assert.strictEqual(connect.mock.calls.length + connect6.mock.calls.length, 0, "a connection was attempted")
})

const setMode = (HttpTokens: "optional" | "required") =>
  imds.call("ModifyInstanceMetadataOptions", { params: { id: "default" }, body: { HttpTokens } })

const journal = async () =>
  (await imds.call("DescribeJournal", { query: {} })).entries.map((e) => `${e.method} ${e.path} ${e.status} ${e.mode}`)

const role = "GET /latest/meta-data/ram/security-credentials/"

describe.each(["optional", "required"] as const)("with HttpTokens=%s", (mode) => {
  beforeEach(() => setMode(mode))

  it.each([{}, { disableIMDSv1: true }])(
    "@alicloud/credentials %o gets the current credential with tokens",
    async (config) => {
      const credential = await new Credential(new Config({ type: "ecs_ram_role", ...config })).getCredential()

      const served = await imds.call("DescribeInstanceRamRoleCredentials", { params: { id: "default" } })
      assert.strictEqual(credential.accessKeyId, served.current.AccessKeyId)
      assert.strictEqual(credential.securityToken, served.current.SecurityToken)
      const seen = await journal()
      assert.deepStrictEqual(
        seen.map((line) => line.replace(/credentials\/\S+/, "credentials/ROLE")),
        [
          "PUT /latest/api/token 200 none",
          `${role} 200 token`,
          "PUT /latest/api/token 200 none",
          `${role}ROLE 200 token`
        ]
      )
    }
  )

  it("the OpenTelemetry detector reads token-less: detected when optional, refused (403) when required", async () => {
    const entries = Object.entries(alibabaCloudEcsDetector.detect().attributes ?? {})
    const attributes = Object.fromEntries(await Promise.all(entries.map(async ([k, v]) => [k, await v] as const)))

    if (mode === "optional") assert.strictEqual(attributes["host.id"], imds.defaultInstanceId)
    else assert.isUndefined(attributes["host.id"])
    const statuses = new Set((await journal()).map((line) => line.split(" ").slice(2).join(" ")))
    assert.deepStrictEqual([...statuses], [mode === "optional" ? "200 normal" : "403 normal"])
  })
})

describe("a fetch client", () => {
  it("reads metadata with a token and follows the virtual clock to the token's expiry", async () => {
    const base = "http://100.100.100.200/latest"
    const token = await (
      await fetch(`${base}/api/token`, {
        method: "PUT",
        headers: { "X-aliyun-ecs-metadata-token-ttl-seconds": "60" }
      })
    ).text()
    const read = () => fetch(`${base}/meta-data/instance-id`, { headers: { "X-aliyun-ecs-metadata-token": token } })
    const first = await read()
    assert.strictEqual(first.status, 200)
    assert.strictEqual(await first.text(), imds.defaultInstanceId)
    await imds.call("AdvanceClock", { body: { by: "60s" } })
    assert.strictEqual((await read()).status, 401, "the token expired on the virtual clock")
  })
})
