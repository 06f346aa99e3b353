// The documented curl recipes (spec §10.1, §9; Alibaba's "view instance metadata" page), run as written by bash
// against the emulator. A `curl` shell function adds only `--connect-to`, which keeps the documented URL and Host
// while connecting to loopback, and `--interface 127.0.0.1`, which makes any other destination unroutable.
import { spawn, spawnSync } from "node:child_process"
import { demoRoleName, renderCredentials } from "@aliyun-imds/core"
import { afterAll, assert, beforeAll, beforeEach, describe, it } from "vitest"
import { type Emulator, startEmulator } from "./support/emulator.ts"

const hasCurl = spawnSync("sh", ["-c", "command -v curl"]).status === 0

interface RecipeRun {
  /** Exactly what the recipe printed on stdout. */
  readonly stdout: string
  /** The status of every curl the recipe ran, in order. */
  readonly statuses: ReadonlyArray<number>
  readonly exitCode: number | null
}

/** `-q` first, so a ~/.curlrc cannot add options; statuses go to stderr so stdout stays what the recipe prints. */
const prelude = (port: number) => `
curl() {
  command curl -q --connect-to 100.100.100.200:80:127.0.0.1:${port} --interface 127.0.0.1 --noproxy '*' \\
    --max-time 5 -sS -w '%{stderr}HTTP %{http_code}\\n' "$@"
}
`

const runRecipe = (recipe: string, port: number): Promise<RecipeRun> =>
  new Promise((resolve, reject) => {
    const child = spawn("bash", ["-c", `${prelude(port)}\n${recipe}`], {
      env: { PATH: process.env.PATH ?? "/usr/bin:/bin" },
      stdio: ["ignore", "pipe", "pipe"],
      timeout: 15_000
    })
    let stdout = ""
    let stderr = ""
    child.stdout.setEncoding("latin1").on("data", (chunk: string) => (stdout += chunk))
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk))
    child.once("error", reject)
    child.once("close", (exitCode) => {
      const statuses = [...stderr.matchAll(/^HTTP (\d{3})$/gm)].map((m) => Number(m[1]))
      resolve({ stdout, statuses, exitCode })
    })
  })

const recipes = {
  normal: "curl http://100.100.100.200/latest/meta-data/instance-id",
  token:
    'TOKEN=`curl -X PUT "http://100.100.100.200/latest/api/token" -H "X-aliyun-ecs-metadata-token-ttl-seconds: 21600"` ' +
    '&& curl -H "X-aliyun-ecs-metadata-token: $TOKEN" http://100.100.100.200/latest/meta-data/instance-id',
  ttlTooLong:
    'curl -X PUT "http://100.100.100.200/latest/api/token" -H "X-aliyun-ecs-metadata-token-ttl-seconds: 21700"',
  forwarded:
    'curl -X PUT "http://100.100.100.200/latest/api/token" -H "X-Forwarded-For: www.ba****.com" ' +
    '-H "X-aliyun-ecs-metadata-token-ttl-seconds: 21600"',
  badToken: 'curl -H "X-aliyun-ecs-metadata-token: aaa" http://100.100.100.200/latest/meta-data/',
  roleName: "curl http://100.100.100.200/latest/meta-data/Ram/security-credentials/",
  credentials: `curl http://100.100.100.200/latest/meta-data/ram/security-credentials/${demoRoleName}`
}

describe.skipIf(!hasCurl)(`documented curl recipes${hasCurl ? "" : " (skipped: curl is not installed)"}`, () => {
  let emulator: Emulator
  let port: number

  beforeAll(async () => {
    emulator = await startEmulator()
    port = emulator.server.port
  })
  afterAll(() => emulator?.stop())
  beforeEach(async () => {
    await emulator.setMetadataOptions({ HttpTokens: "optional", HttpEndpoint: "enabled" })
    await emulator.clearJournal()
  })

  it("a normal-mode GET prints the instance id, with no trailing newline", async () => {
    const run = await runRecipe(recipes.normal, port)

    assert.deepStrictEqual(run, { stdout: emulator.server.defaultInstanceId, statuses: [200], exitCode: 0 })
    const [entry] = await emulator.journal()
    assert.strictEqual(entry?.mode, "normal")
    assert.strictEqual(entry?.peerAddress, "127.0.0.1")
  })

  it("the token one-liner prints the instance id through a token", async () => {
    const run = await runRecipe(recipes.token, port)

    assert.deepStrictEqual(run, { stdout: emulator.server.defaultInstanceId, statuses: [200, 200], exitCode: 0 })
    assert.deepStrictEqual(
      (await emulator.journal()).map((e) => `${e.method} ${e.status} ${e.mode}`),
      ["PUT 200 none", "GET 200 token"]
    )
  })

  it("in required mode the normal-mode GET is 403 and the token one-liner still works", async () => {
    await emulator.setMetadataOptions({ HttpTokens: "required" })

    const normal = await runRecipe(recipes.normal, port)
    const token = await runRecipe(recipes.token, port)

    assert.deepStrictEqual(normal, { stdout: "Forbidden", statuses: [403], exitCode: 0 })
    assert.deepStrictEqual(token, { stdout: emulator.server.defaultInstanceId, statuses: [200, 200], exitCode: 0 })
  })

  it("a TTL of 21700 seconds is refused with 400 and no token", async () => {
    const run = await runRecipe(recipes.ttlTooLong, port)

    assert.deepStrictEqual(run, { stdout: "Missing or Invalid Parameters", statuses: [400], exitCode: 0 })
    assert.strictEqual((await emulator.journal())[0]?.reason, "InvalidTtl")
  })

  it("a token PUT carrying X-Forwarded-For is refused with 403", async () => {
    const run = await runRecipe(recipes.forwarded, port)

    assert.deepStrictEqual(run, { stdout: "Forbidden", statuses: [403], exitCode: 0 })
    assert.strictEqual((await emulator.journal())[0]?.reason, "ForwardedTokenRequest")
  })

  it("a GET with the token aaa is refused with 401, also in optional mode", async () => {
    const run = await runRecipe(recipes.badToken, port)

    assert.deepStrictEqual(run, { stdout: "Unauthorized", statuses: [401], exitCode: 0 })
  })

  it("the documented Ram/ listing prints the role name and the credential recipe prints the exact JSON", async () => {
    const role = await runRecipe(recipes.roleName, port)
    const credentials = await runRecipe(recipes.credentials, port)

    assert.deepStrictEqual(role, { stdout: demoRoleName, statuses: [200], exitCode: 0 })
    assert.strictEqual(credentials.stdout, renderCredentials(emulator.expectedCredential(), true))
    assert.deepStrictEqual(credentials.statuses, [200])
  })
})
