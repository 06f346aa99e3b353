// The real `@alicloud/credentials` 2.4.7 ECS RAM role provider, unmodified, against the emulator on a loopback
// socket (spec §14.1): its hard-coded 100.100.100.200:80 is redirected inside this process, nothing leaves it.
import alicloud, { Config } from "@alicloud/credentials"
import { demoRoleName } from "@aliyun-imds/core"
import { afterAll, afterEach, assert, beforeAll, beforeEach, describe, it, vi } from "vitest"
import { commonJsDefault } from "./support/commonJs.ts"
import { type Emulator, sequenceOf } from "./support/emulator.ts"
import { type Redirect, startRedirected, stopRedirected } from "./support/redirect.ts"
import { startTap } from "./support/tap.ts"

const Credential = commonJsDefault<typeof alicloud.default>(alicloud)

const tokenPut = "PUT /latest/api/token"
const listGet = "GET /latest/meta-data/ram/security-credentials/"
const roleGet = `GET /latest/meta-data/ram/security-credentials/${demoRoleName}`

interface Setup {
  readonly name: string
  readonly config: Record<string, unknown>
  readonly env: Record<string, string>
  /** The request sequence spec §14.1 measured for this setup. */
  readonly sequence: ReadonlyArray<string>
}

const setups: ReadonlyArray<Setup> = [
  {
    name: "default (token first, v1 fallback allowed)",
    config: {},
    env: {},
    sequence: [tokenPut, listGet, tokenPut, roleGet]
  },
  {
    name: "disableIMDSv1",
    config: { disableIMDSv1: true },
    env: {},
    sequence: [tokenPut, listGet, tokenPut, roleGet]
  },
  {
    name: "role named by ALIBABA_CLOUD_ECS_METADATA",
    config: {},
    env: { ALIBABA_CLOUD_ECS_METADATA: demoRoleName },
    sequence: [tokenPut, roleGet]
  }
]

const clientFor = (setup: Pick<Setup, "config" | "env">) => {
  for (const [name, value] of Object.entries(setup.env)) vi.stubEnv(name, value)
  return new Credential(new Config({ type: "ecs_ram_role", ...setup.config }))
}

let emulator: Emulator
let redirect: Redirect

beforeAll(async () => {
  ;({ emulator, redirect } = await startRedirected())
})

afterAll(() => stopRedirected(emulator, redirect))

beforeEach(async () => {
  // A developer's shell must not change what the provider does.
  for (const name of [
    "ALIBABA_CLOUD_ECS_METADATA",
    "ALIBABA_CLOUD_IMDSV1_DISABLED",
    "ALIBABA_CLOUD_ECS_METADATA_DISABLED"
  ]) {
    vi.stubEnv(name, undefined)
  }
  await emulator.setMetadataOptions({ HttpTokens: "optional", HttpEndpoint: "enabled" })
  await emulator.run(emulator.server.services.faults.clear())
  await emulator.clearJournal()
})

afterEach(() => {
  vi.unstubAllEnvs()
  // Pooled keep-alive sockets would otherwise carry one test's connection into the next.
  redirect.dropConnections()
  assert.deepStrictEqual(redirect.refused(), [], "a connect to a non-loopback address was attempted")
})

describe.each(["optional", "required"] as const)("@alicloud/credentials with HttpTokens=%s", (mode) => {
  beforeEach(() => emulator.setMetadataOptions({ HttpTokens: mode }))

  it.each(setups)("$name returns exactly the emulator's credential, every GET carrying a token", async (setup) => {
    const credential = await clientFor(setup).getCredential()

    const expected = emulator.expectedCredential()
    assert.strictEqual(credential.accessKeyId, expected.accessKeyId)
    assert.strictEqual(credential.accessKeySecret, expected.accessKeySecret)
    assert.strictEqual(credential.securityToken, expected.securityToken)
    assert.strictEqual(credential.type, "ecs_ram_role")
    const entries = await emulator.journal()
    assert.deepStrictEqual(sequenceOf(entries), setup.sequence)
    for (const entry of entries) {
      assert.strictEqual(entry.status, 200, `${entry.method} ${entry.path}`)
      assert.strictEqual(entry.mode, entry.method === "GET" ? "token" : "none", `${entry.method} ${entry.path}`)
      assert.strictEqual(entry.instanceId, emulator.server.defaultInstanceId)
    }
    assert.deepStrictEqual(await emulator.journal({ mode: "normal" }), [])
  })
})

describe("@alicloud/credentials against the emulator's edges", () => {
  it("matches the credential JSON the metadata listener serves", async () => {
    const credential = await clientFor({ config: {}, env: {} }).getCredential()

    const response = await fetch(`${emulator.server.dataUrl}/latest/meta-data/ram/security-credentials/${demoRoleName}`)
    const served = JSON.parse(await response.text()) as Record<string, string>
    assert.strictEqual(credential.accessKeyId, served.AccessKeyId)
    assert.strictEqual(credential.accessKeySecret, served.AccessKeySecret)
    assert.strictEqual(credential.securityToken, served.SecurityToken)
  })

  it("a fresh client after the virtual clock passes the rotation point receives the next credential", async () => {
    const before = await clientFor({ config: {}, env: {} }).getCredential()
    const role = emulator.instance().ramRole
    assert.isNotNull(role)
    // The next credential appears validity − overlap after the current one (spec §9: 6 h with a 30 min overlap).
    await emulator.run(
      emulator.server.services.clock.advance(`${role!.validitySeconds - role!.overlapSeconds + 1} seconds`)
    )

    const after = await clientFor({ config: {}, env: {} }).getCredential()

    assert.notStrictEqual(after.accessKeyId, before.accessKeyId)
    assert.strictEqual(after.accessKeyId, emulator.expectedCredential().accessKeyId)
    assert.strictEqual(after.securityToken, emulator.expectedCredential().securityToken)
  })

  it("when the token PUT fails in optional mode, the default client falls back to token-less GETs", async () => {
    await emulator.run(emulator.server.services.faults.add({ route: "token", action: { type: "status", status: 404 } }))

    const credential = await clientFor({ config: {}, env: {} }).getCredential()

    assert.strictEqual(credential.accessKeyId, emulator.expectedCredential().accessKeyId)
    const gets = await emulator.journal({ status: 200 })
    assert.deepStrictEqual(sequenceOf(gets), [listGet, roleGet])
    assert.deepStrictEqual(
      gets.map((e) => e.mode),
      ["normal", "normal"]
    )
  })

  it("when the token PUT fails and disableIMDSv1 is set, the client fails without a token-less request", async () => {
    await emulator.run(emulator.server.services.faults.add({ route: "token", action: { type: "status", status: 404 } }))

    const error = await clientFor({ config: { disableIMDSv1: true }, env: {} })
      .getCredential()
      .then(
        () => null,
        (e: Error) => e
      )

    assert.match(String(error?.message), /get metadata token failed with 404/)
    assert.deepStrictEqual(sequenceOf(await emulator.journal()), [tokenPut])
  })

  it("with the endpoint disabled, a client that forbids v1 fails on the 403 token PUT", async () => {
    await emulator.setMetadataOptions({ HttpEndpoint: "disabled" })

    const error = await clientFor({ config: { disableIMDSv1: true }, env: {} })
      .getCredential()
      .then(
        () => null,
        (e: Error) => e
      )

    assert.match(String(error?.message), /get metadata token failed with 403/)
  })

  it("its requests arrive as sent to 100.100.100.200: Host kept, lower-case headers, no User-Agent", async () => {
    const tap = await startTap(emulator.server.port)
    redirect.target(tap.port)
    try {
      await clientFor({ config: {}, env: {} }).getCredential()
    } finally {
      redirect.dropConnections()
      redirect.target(emulator.server.port)
      await tap.close()
    }

    const heads = tap.requests()
    assert.deepStrictEqual(
      heads.map((h) => `${h.method} ${h.target}`),
      [tokenPut, listGet, tokenPut, roleGet]
    )
    for (const head of heads) {
      assert.strictEqual(head.headers.host, "100.100.100.200")
      assert.notProperty(head.headers, "user-agent")
    }
    assert.include(heads[0]!.raw, "\r\nx-aliyun-ecs-metadata-token-ttl-seconds: 21600")
    assert.strictEqual(heads[0]!.headers["content-length"], "0")
    assert.include(heads[1]!.raw, "\r\nx-aliyun-ecs-metadata-token: ")
    assert.strictEqual(redirect.refused().length, 0)
  })
})
