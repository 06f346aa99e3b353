// The prepack guard: npm (or any tool but pnpm) packing or publishing a package directory is refused with a message
// pointing at `pnpm release`; pnpm's pack goes through (tooling/pack packs with it), and pnpm's publish only from the
// release command.
import { spawnSync } from "node:child_process"
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join, resolve } from "node:path"
import { fileURLToPath } from "node:url"
import { describe, expect, it } from "vitest"

const root = resolve(fileURLToPath(new URL("../../..", import.meta.url)))
const guard = join(root, "tooling/release/src/guard.mjs")
const cli = join(root, "apps/cli")
// A closed loopback port: if a refusal ever let a publish through, it could reach no registry.
const nowhere = "http://127.0.0.1:9/"

/** Runs a command with none of the npm_* variables of the pnpm running this test. */
const run = (cmd: string, args: ReadonlyArray<string>, cwd: string, extra: Record<string, string> = {}) => {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k)))
  const r = spawnSync(cmd, args, { cwd, env: { ...env, ...extra }, encoding: "utf8" })
  return { status: r.status, output: `${r.stdout}${r.stderr}${r.error ?? ""}` }
}

const published = ["packages", "apps"].flatMap((group) =>
  readdirSync(join(root, group)).flatMap((name) => {
    const manifest = JSON.parse(readFileSync(join(root, group, name, "package.json"), "utf8")) as {
      name: string
      private?: boolean
      scripts?: Record<string, string>
    }
    return manifest.private === true ? [] : [manifest]
  })
)

describe("the prepack guard", () => {
  it("is the prepack script of every published package", () => {
    expect(published.map((m) => m.name)).toContain("@aliyun-imds/cli")
    for (const m of published) expect(m.scripts?.prepack, m.name).toBe("node ../../tooling/release/src/guard.mjs")
  })

  it("makes npm pack in a package directory fail, saying to use pnpm release", () => {
    const r = run("npm", ["pack", "--dry-run"], cli)
    expect(r.status).not.toBe(0)
    expect(r.output).toContain("@aliyun-imds/cli: refusing to pack with npm/")
    expect(r.output).toContain("Publish with `pnpm release` from the repository root")
  })

  it("makes npm publish in a package directory fail the same way", () => {
    const r = run("npm", ["publish", "--dry-run", "--registry", nowhere], cli)
    expect(r.status).not.toBe(0)
    expect(r.output).toContain("@aliyun-imds/cli: refusing to publish with npm/")
    expect(r.output).toContain("`pnpm release`")
  })

  it("makes pnpm publish of one package fail outside the release command", () => {
    const r = run("pnpm", ["publish", "--dry-run", "--no-git-checks", "--registry", nowhere], cli)
    expect(r.status).not.toBe(0)
    expect(r.output).toContain("refusing to publish one package on its own")
  })

  it("lets pnpm pack through", () => {
    const dest = mkdtempSync(join(tmpdir(), "aliyun-imds-guard-"))
    try {
      const r = run("pnpm", ["pack", "--pack-destination", dest], join(root, "packages/core"))
      expect(r.status, r.output).toBe(0)
      expect(readdirSync(dest)).toEqual([expect.stringMatching(/^aliyun-imds-core-.*\.tgz$/)])
    } finally {
      rmSync(dest, { recursive: true, force: true })
    }
  })

  it("decides from the user agent, the command and the release variable", () => {
    const decide = (agent: string, command: string, release?: string) =>
      run(process.execPath, [guard], root, {
        npm_config_user_agent: agent,
        npm_command: command,
        ...(release === undefined ? {} : { ALIYUN_IMDS_RELEASE: release })
      }).status
    expect(decide("yarn/4.9.0 npm/? node/v24.9.0", "pack")).toBe(1)
    expect(decide("bun/1.4.5 npm/? node/v24.9.0", "pack")).toBe(1)
    expect(decide("", "pack")).toBe(1)
    expect(decide("pnpm/10.34.8 npm/? node/v24.9.0", "pack")).toBe(0)
    expect(decide("pnpm/10.34.8 npm/? node/v24.9.0", "publish")).toBe(1)
    expect(decide("pnpm/10.34.8 npm/? node/v24.9.0", "publish", "0")).toBe(1)
    expect(decide("pnpm/10.34.8 npm/? node/v24.9.0", "publish", "1")).toBe(0)
    expect(decide("npm/11.0.0 node/v24.9.0", "publish", "1")).toBe(1)
  })
})
