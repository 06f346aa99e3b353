// `aliyun-imds fleet check FILE` and the binding rule at `serve` and `reload`: a range bound to two instances is an
// error naming both instances and both ranges (serve exits 1 with one line, reload keeps the old fleet, check exits
// 1); a block containing another instance's longer one is a warning (printed and logged).
import { mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, assert, describe, it } from "vitest"
import { runCli, serveCli } from "./support/cli.ts"

const dir = mkdtempSync(join(tmpdir(), "aliyun-imds-cli-fleet-"))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const freePorts = ["--port", "0", "--admin-port", "0", "--ecs-port", "0", "--no-ecs"]

/** A fleet of i-wide01 and i-narrow01 bound to these addresses, written to `name`. */
const fleetFile = (name: string, wide: ReadonlyArray<string>, narrow: ReadonlyArray<string>): string => {
  const file = join(dir, name)
  writeFileSync(
    file,
    "version: 1\ninstances:\n" +
      `  - instanceId: i-wide01\n    sourceAddresses: ${JSON.stringify(wide)}\n` +
      `  - instanceId: i-narrow01\n    sourceAddresses: ${JSON.stringify(narrow)}\n`
  )
  return file
}

const nestedWarning =
  "instances[0].sourceAddresses[0]: 127.0.0.0/24 (i-wide01) contains 127.0.0.2 (i-narrow01): peers in 127.0.0.2 " +
  "are i-narrow01 (the longer prefix wins)"
const sameRange =
  "instances[1].sourceAddresses[0]: 127.0.0.2/32 = 127.0.0.2 (i-narrow01) is the same range as 127.0.0.2 " +
  "(i-wide01) at instances[0].sourceAddresses[0]: a peer in it could be either instance"

describe("fleet check", () => {
  it("prints a nested binding as a warning and exits 0", async () => {
    const file = fleetFile("nested.yaml", ["127.0.0.0/24"], ["127.0.0.2"])
    const r = await runCli(["fleet", "check", file])
    assert.deepStrictEqual(r, {
      code: 0,
      stdout: `warning: ${nestedWarning}\n${file}: 2 instances, default i-wide01; 0 errors, 1 warning\n`,
      stderr: ""
    })
  })

  it("refuses a range bound to two instances with one line naming both, exit 1", async () => {
    const file = fleetFile("clash.yaml", ["127.0.0.2"], ["127.0.0.2/32"])
    const r = await runCli(["fleet", "check", file])
    assert.strictEqual(r.code, 1)
    assert.strictEqual(r.stdout, "")
    assert.strictEqual(r.stderr, `aliyun-imds: invalid fleet file ${file}: ${sameRange}\n`)
  })

  it("--json gives the errors and warnings as data, with the same exit codes", async () => {
    const nested = await runCli(["fleet", "check", "--json", fleetFile("n.yaml", ["127.0.0.0/24"], ["127.0.0.2"])])
    assert.strictEqual(nested.code, 0)
    assert.deepInclude(JSON.parse(nested.stdout), {
      valid: true,
      instanceCount: 2,
      errors: [],
      warnings: [
        {
          path: "instances[0].sourceAddresses[0]",
          message: nestedWarning.slice("instances[0].sourceAddresses[0]: ".length),
          outer: { instanceId: "i-wide01", range: "127.0.0.0/24", path: "instances[0].sourceAddresses[0]" },
          inner: { instanceId: "i-narrow01", range: "127.0.0.2", path: "instances[1].sourceAddresses[0]" }
        }
      ]
    })
    const clash = await runCli(["fleet", "check", "--json", fleetFile("c.yaml", ["127.0.0.2"], ["127.0.0.2/32"])])
    assert.strictEqual(clash.code, 1)
    assert.strictEqual(clash.stderr, "")
    const [path, ...rest] = sameRange.split(": ")
    assert.deepInclude(JSON.parse(clash.stdout), {
      valid: false,
      errors: [{ path, message: rest.join(": ") }],
      warnings: []
    })
    const clean = await runCli(["fleet", "check", fleetFile("ok.yaml", ["127.0.0.2"], ["127.0.0.3"])])
    assert.strictEqual(clean.code, 0)
    assert.include(clean.stdout, "0 errors, 0 warnings")
  })

  it("lists every problem of a file, not only the first, as text and as --json, exit 1", async () => {
    const file = join(dir, "many.yaml")
    writeFileSync(
      file,
      "version: 1\ninstances:\n" +
        "  - instanceId: i-one01\n    sourceAddresses: [127.0.0.2]\n" +
        "  - instanceId: i-one01\n    sourceAddresses: [127.0.0.3]\n" +
        "  - instanceId: i-two01\n    sourceAddresses: [127.0.0.2]\n" +
        "defaultInstance: i-none01\n"
    )
    const problems = [
      ["instances[1].instanceId", "duplicate of instances[0] (i-one01)"],
      [
        "instances[2].sourceAddresses[0]",
        "127.0.0.2 (i-two01) is the same range as 127.0.0.2 (i-one01) at instances[0].sourceAddresses[0]: a peer in " +
          "it could be either instance"
      ],
      ["defaultInstance", "no instance has id i-none01"]
    ]
    const r = await runCli(["fleet", "check", file])
    assert.strictEqual(r.code, 1)
    assert.strictEqual(
      r.stderr,
      `aliyun-imds: invalid fleet file ${file}: 3 errors\n${problems.map(([p, m]) => `  ${p}: ${m}\n`).join("")}`
    )
    const json = await runCli(["fleet", "check", "--json", file])
    assert.strictEqual(json.code, 1)
    assert.deepStrictEqual(
      JSON.parse(json.stdout).errors,
      problems.map(([path, message]) => ({ path, message }))
    )
    // Each instance's first broken rule, before ids and addresses are compared.
    const rules = join(dir, "rules.yaml")
    writeFileSync(
      rules,
      "version: 1\ninstances:\n  - sourceAddresses: [nowhere]\n  - instanceId: i-b01\n  - sourceAddresses: [x]\n"
    )
    const ruled = await runCli(["fleet", "check", "--json", rules])
    assert.strictEqual(ruled.code, 1)
    assert.deepStrictEqual(
      JSON.parse(ruled.stdout).errors.map((e: { path: string }) => e.path),
      ["instances[0].sourceAddresses[0]", "instances[2].sourceAddresses[0]"]
    )
    const fields = join(dir, "fields.yaml")
    writeFileSync(fields, "version: 1\nseed: 7\ninstances:\n  - instanceId: i-x01\n    colour: blue\n")
    const schema = await runCli(["fleet", "check", "--json", fields])
    assert.strictEqual(schema.code, 1)
    assert.deepStrictEqual(
      JSON.parse(schema.stdout).errors.map((e: { path: string }) => e.path),
      ["seed", "instances[0].colour"]
    )
  })

  it("names a file it cannot read, exit 1", async () => {
    const r = await runCli(["fleet", "check", join(dir, "nope.yaml")])
    assert.strictEqual(r.code, 1)
    assert.match(r.stderr, /^aliyun-imds: cannot read fleet file .*nope\.yaml: /)
  })
})

describe("the binding rule at serve and reload", () => {
  it("serve refuses a range bound to two instances with one line naming both (exit 1)", async () => {
    const file = fleetFile("serve-clash.yaml", ["127.0.0.2"], ["127.0.0.2/32"])
    const r = await runCli(["serve", "--config", file, ...freePorts])
    assert.strictEqual(r.code, 1)
    assert.strictEqual(r.stdout, "")
    assert.strictEqual(r.stderr.trim().split("\n").length, 1)
    assert.include(r.stderr, `invalid fleet file ${file}: ${sameRange}`)
  })

  it("serve logs a nested binding as a warning, reload prints it, and reload refuses a clash naming both", async () => {
    const file = fleetFile("serve-nested.yaml", ["127.0.0.0/24"], ["127.0.0.2"])
    const served = await serveCli(["--config", file, ...freePorts, "--log-level", "warn"])
    try {
      const logged = served
        .output()
        .stderr.split("\n")
        .filter((l) => l !== "")
        .map((l) => JSON.parse(l) as Record<string, unknown>)
      assert.deepStrictEqual(
        logged.map((l) => [l.level, l.entry, l.outerInstanceId, l.outer, l.innerInstanceId, l.inner]),
        [["warn", "instances[0].sourceAddresses[0]", "i-wide01", "127.0.0.0/24", "i-narrow01", "127.0.0.2"]]
      )
      const reloaded = await runCli(["reload", "--admin", served.adminUrl])
      assert.deepStrictEqual(reloaded, {
        code: 0,
        stdout: `warning: ${nestedWarning}\nreloaded ${file}: 2 instance(s), default i-wide01\n`,
        stderr: ""
      })
      fleetFile("serve-nested.yaml", ["127.0.0.2"], ["127.0.0.2"])
      const refused = await runCli(["reload", "--admin", served.adminUrl])
      assert.strictEqual(refused.code, 2)
      assert.include(refused.stderr, "127.0.0.2 (i-narrow01) is the same range as 127.0.0.2 (i-wide01)")
    } finally {
      assert.strictEqual(await served.stop(), 0)
    }
  })
})
