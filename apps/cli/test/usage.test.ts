// Bad input anywhere gives exit 2 and ONE stderr line naming the problem and where to look — never a stack trace —
// and `--help` documents the exit codes, the environment and completions.
import { execFileSync, spawnSync } from "node:child_process"
import { assert, describe, it } from "vitest"
import { binPath, cleanEnv, runCli } from "./support/cli.ts"

/** A Node older than 22.12 on this machine (e.g. the system's /usr/bin/node), or null. */
const oldNode = (() => {
  for (const candidate of ["/usr/bin/node", "/usr/local/bin/node"]) {
    try {
      const [major = 0, minor = 0] = execFileSync(candidate, ["-p", "process.versions.node"], { encoding: "utf8" })
        .trim()
        .split(".")
        .map(Number)
      if (major < 22 || (major === 22 && minor < 12)) return candidate
    } catch {
      // not there
    }
  }
  return null
})()

const usage = async (args: ReadonlyArray<string>, mentions: string) => {
  const r = await runCli(args)
  assert.strictEqual(r.code, 2, `${args.join(" ")}: ${r.stderr}`)
  assert.strictEqual(r.stdout, "")
  const lines = r.stderr.trimEnd().split("\n")
  assert.strictEqual(lines.length, 1, r.stderr)
  assert.match(lines[0]!, /^aliyun-imds: .*--help/)
  assert.include(lines[0]!, mentions)
  assert.notInclude(r.stderr, "    at ")
}

describe("usage errors exit 2 with one line", () => {
  it("an unknown flag", () => usage(["get", "meta-data/", "--bogus"], "--bogus"))
  it("an unknown command, with a suggestion", () => usage(["gett"], "did you mean get?"))
  it("a bad enum value", () => usage(["get", "x", "--mode", "hybrid"], "--mode"))
  it("an out-of-range number", () => usage(["get", "x", "--ttl", "0"], "1..21600"))
  it("a missing argument", () => usage(["get"], "path"))
  it("a bad port", () => usage(["serve", "--port", "65536"], "--port"))
  it("a bad credentials format", () => usage(["credentials", "--format", "yaml"], "--format"))
  it("a bad fault action", () => usage(["faults", "add", "explode"], "action"))
})

describe("help, version, completions", () => {
  it("--help lists every command and documents exit codes, environment and completions", async () => {
    const r = await runCli(["--help"])
    assert.strictEqual(r.code, 0)
    for (const command of [
      "serve",
      "init",
      "schema",
      "get",
      "token",
      "credentials",
      "identity",
      "options",
      "instances",
      "set",
      "role",
      "clock",
      "spot",
      "events",
      "throttle",
      "faults",
      "stats",
      "journal",
      "revoke-tokens",
      "reload",
      "reset"
    ]) {
      assert.match(r.stdout, new RegExp(`\\n  ${command}\\s`), command)
    }
    assert.include(r.stdout, "EXIT CODES")
    assert.match(r.stdout, /\n {2}3 +refused/)
    assert.include(r.stdout, "ALIBABA_CLOUD_IMDS_ENDPOINT")
    assert.include(r.stdout, "--completions bash")
  })

  it("subcommand help works and shows its flags", async () => {
    const r = await runCli(["options", "set", "--help"])
    assert.strictEqual(r.code, 0)
    assert.include(r.stdout, "--http-tokens")
    assert.include(r.stdout, "--admin-token")
  })

  it("--version prints the package version", async () => {
    const r = await runCli(["--version"])
    assert.match(r.stdout, /^aliyun-imds \d+\.\d+\.\d+\n$/)
  })

  it.skipIf(oldNode === null)("the bin shim re-runs itself under the repo's pinned Node on an old Node", () => {
    const r = spawnSync(oldNode!, [binPath, "--version"], { encoding: "utf8", env: cleanEnv() })
    assert.strictEqual(r.status, 0, r.stderr)
    assert.match(r.stdout, /^aliyun-imds \d+\.\d+\.\d+\n$/)
    const bad = spawnSync(oldNode!, [binPath, "gett"], { encoding: "utf8", env: cleanEnv() })
    assert.strictEqual(bad.status, 2)
  })

  it("--completions prints a script for bash, zsh and fish", async () => {
    for (const shell of ["bash", "zsh", "fish"]) {
      const r = await runCli(["--completions", shell])
      assert.strictEqual(r.code, 0)
      assert.include(r.stdout, "aliyun-imds")
      assert.include(r.stdout, "credentials")
    }
  })
})
