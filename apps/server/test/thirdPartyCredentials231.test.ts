// `@alicloud/credentials` 2.3.1, unmodified (an npm alias), against the token-path GET switch. Alibaba's docs name
// 2.3.1 as the first Node version with hardened-mode support, yet with `enableIMDSv2` it asks for its token with GET
// (2.4.0 moved to PUT): under the default (405) it cannot get one; with `tokenGet: "issue"` (fleet `wire.tokenGet`,
// `--token-get issue`) it reads its credential in forced hardened mode. 100.100.100.200:80 is redirected in-process.
import alicloud, { Config } from "@alicloud/credentials-2.3.1"
import { defaultFleet, demoRoleName } from "@aliyun-imds/core"
import { afterAll, afterEach, assert, beforeAll, describe, it } from "vitest"
import { commonJsDefault } from "./support/commonJs.ts"
import { type Emulator, sequenceOf, startEmulator } from "./support/emulator.ts"
import { installRedirect, type Redirect } from "./support/redirect.ts"

const Credential = commonJsDefault<typeof alicloud.default>(alicloud)

const tokenGet = "GET /latest/api/token"
const listGet = "GET /latest/meta-data/ram/security-credentials/"
const roleGet = `GET /latest/meta-data/ram/security-credentials/${demoRoleName}`

let refusing: Emulator
let issuing: Emulator
let redirect: Redirect

beforeAll(async () => {
  const fleet = defaultFleet("credentials-2.3.1")
  refusing = await startEmulator(fleet)
  issuing = await startEmulator({ ...fleet, wire: { ...fleet.wire, tokenGet: "issue" } })
  redirect = installRedirect()
})

afterAll(async () => {
  redirect.dropConnections()
  redirect.restore()
  await Promise.all([refusing.stop(), issuing.stop()])
})

afterEach(() => {
  redirect.dropConnections()
  assert.deepStrictEqual(redirect.refused(), [], "a connect to a non-loopback address was attempted")
})

/** 2.3.1's hardened mode against `emulator`, in `mode`, with the role named in the config or looked up. */
const hardened = async (emulator: Emulator, mode: "optional" | "required", roleName?: string) => {
  redirect.target(emulator.server.port)
  await emulator.setMetadataOptions({ HttpTokens: mode })
  await emulator.clearJournal()
  const config = new Config({ type: "ecs_ram_role", enableIMDSv2: true, ...(roleName ? { roleName } : {}) })
  const credential = await new Credential(config).getCredential().catch((e: Error) => e)
  return { credential, journal: await emulator.journal() }
}

describe("@alicloud/credentials 2.3.1 (token by GET)", () => {
  it("by default the token GET is refused (405), so it fails in both modes and never reads without a token", async () => {
    for (const mode of ["optional", "required"] as const) {
      const { credential, journal } = await hardened(refusing, mode, demoRoleName)
      assert.instanceOf(credential, Error)
      assert.include((credential as Error).message, "HttpCode=405")
      assert.deepStrictEqual(
        journal.map((e) => [`${e.method} ${e.path}`, e.status]),
        [[tokenGet, 405]]
      )
    }
  })

  it('with tokenGet "issue" it reads the emulator\'s credential in forced hardened mode, every read with the token', async () => {
    const { credential, journal } = await hardened(issuing, "required", demoRoleName)
    assert.notInstanceOf(credential, Error)
    const expected = issuing.expectedCredential()
    assert.strictEqual((credential as { accessKeyId: string }).accessKeyId, expected.accessKeyId)
    assert.strictEqual((credential as { securityToken: string }).securityToken, expected.securityToken)
    assert.deepStrictEqual(sequenceOf(journal), [tokenGet, roleGet])
    assert.deepStrictEqual(
      journal.map((e) => [e.status, e.mode]),
      [
        [200, "none"],
        [200, "token"]
      ]
    )
  })

  it("without a role name it looks the role up without its token: normal mode shows it, forced hardened mode stops it", async () => {
    const optional = await hardened(issuing, "optional")
    assert.strictEqual(
      (optional.credential as { accessKeyId: string }).accessKeyId,
      issuing.expectedCredential().accessKeyId
    )
    assert.deepStrictEqual(sequenceOf(optional.journal), [tokenGet, listGet, roleGet])
    assert.deepStrictEqual(
      optional.journal.map((e) => e.mode),
      ["none", "normal", "token"]
    )
    const required = await hardened(issuing, "required")
    assert.deepStrictEqual(
      required.journal.slice(0, 2).map((e) => [`${e.method} ${e.path}`, e.status]),
      [
        [tokenGet, 200],
        [listGet, 403]
      ]
    )
  })
})
