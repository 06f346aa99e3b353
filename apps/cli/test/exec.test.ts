// `aliyun-imds exec` as a real process running real, unmodified Node programs that hard-code 100.100.100.200.
// Every program runs under a loopback guard (test/fixtures/exec/loopbackGuard.mjs, loaded through NODE_OPTIONS before
// exec's preload): a connect the preload failed to send to loopback throws instead of leaving the machine.
import { type ChildProcess, execFileSync, spawn } from "node:child_process"
import { chmodSync, existsSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { delimiter, join } from "node:path"
import { fileURLToPath, pathToFileURL } from "node:url"
import { demoRoleName } from "@aliyun-imds/core"
import { afterAll, assert, describe, it } from "vitest"
import { preloadUrl } from "../src/commands/exec.ts"
import { binPath, cleanEnv, cliDir } from "./support/cli.ts"

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/exec/${name}`, import.meta.url))
const guard = pathToFileURL(fixture("loopbackGuard.mjs")).href
/** A home without any Alibaba Cloud profile, so the credential chain can only end at the metadata service. */
const home = mkdtempSync(join(tmpdir(), "aliyun-imds-exec-home-"))
afterAll(() => rmSync(home, { recursive: true, force: true }))

interface Exec {
  readonly child: ChildProcess
  readonly stdout: () => string
  readonly stderr: () => string
  /** Resolves once stdout has a line matching `pattern`; rejects if the process exits first. */
  readonly line: (pattern: RegExp) => Promise<string>
  /** The exit code (null if a signal ended exec itself). */
  readonly exited: Promise<number | null>
}

interface ExecOptions {
  readonly env?: Readonly<Record<string, string>>
  readonly input?: string
  /** A process group (and session) of its own: exec is then nobody's terminal foreground, as under CI. */
  readonly detached?: boolean
}

/** `aliyun-imds exec args…` (args include `--` and the command), under the loopback guard. */
const startExec = (args: ReadonlyArray<string>, options: ExecOptions = {}): Exec => {
  const child = spawn(process.execPath, [binPath, "exec", ...args], {
    cwd: cliDir,
    env: cleanEnv({ NODE_OPTIONS: `--import=${guard}`, HOME: home, USERPROFILE: home, ...options.env }),
    stdio: [options.input === undefined ? "ignore" : "pipe", "pipe", "pipe"],
    detached: options.detached ?? false
  })
  if (options.input !== undefined) child.stdin?.end(options.input)
  let stdout = ""
  let stderr = ""
  const waiting = new Set<() => void>()
  child.stdout?.setEncoding("utf8").on("data", (chunk: string) => {
    stdout += chunk
    for (const check of waiting) check()
  })
  child.stderr?.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk))
  const exited = new Promise<number | null>((resolve) => child.once("close", (code) => resolve(code)))
  const line = (pattern: RegExp) =>
    new Promise<string>((resolve, reject) => {
      const check = () => {
        const found = stdout.split("\n").find((l) => pattern.test(l))
        if (found === undefined) return
        waiting.delete(check)
        resolve(found)
      }
      waiting.add(check)
      check()
      void exited.then(() => reject(new Error(`exec exited before printing ${pattern}\n${stdout}\n${stderr}`)))
    })
  return { child, stdout: () => stdout, stderr: () => stderr, line, exited }
}

const runExec = async (args: ReadonlyArray<string>, options: ExecOptions = {}) => {
  const run = startExec(args, options)
  const code = await run.exited
  return { code, stdout: run.stdout(), stderr: run.stderr() }
}

const node = process.execPath
/** Each test starts aliyun-imds and one to three Node programs: a ceiling for a loaded machine, not a wait. */
const slow = { timeout: 60_000 }
/** The instance id from `--verbose`'s line on stderr. */
const verboseInstance = (stderr: string) =>
  /instance (i-[a-z0-9]+), metadata http:\/\/127\.0\.0\.1:\d+/.exec(stderr)?.[1]

describe("exec: unmodified programs reach the emulator at 100.100.100.200:80", slow, () => {
  it("@alicloud/credentials' default chain gets the emulator's STS credentials (ALIBABA_CLOUD_ECS_METADATA)", async () => {
    // The library's answer, then our own SDK's (the CLI through ALIBABA_CLOUD_IMDS_ENDPOINT), from the same emulator.
    const script = '"$1" "$2" && "$1" "$3" credentials --role "$4" --json'
    const r = await runExec(["--", "sh", "-c", script, "sh", node, fixture("credentials.mjs"), binPath, demoRoleName], {
      env: { ALIBABA_CLOUD_ECS_METADATA: demoRoleName }
    })
    assert.strictEqual(r.code, 0, r.stderr)
    const [library = "", ...sdk] = r.stdout.split("\n")
    const got = JSON.parse(library) as { accessKeyId: string; providerName: string }
    const served = JSON.parse(sdk.join("\n")) as { AccessKeyId: string }
    assert.match(got.accessKeyId, /^STS\./)
    assert.strictEqual(got.accessKeyId, served.AccessKeyId)
    assert.strictEqual(got.providerName, "default/ecs_ram_role")
    assert.strictEqual(r.stderr, "")
  })

  it("http.get, fetch and every net connect form read the instance id; other connections are left alone", async () => {
    const r = await runExec(["--verbose", "--", node, fixture("reads.mjs")])
    assert.strictEqual(r.code, 0, r.stderr)
    const id = verboseInstance(r.stderr)
    assert.isDefined(id, r.stderr)
    const lines = r.stdout.trimEnd().split("\n")
    assert.deepStrictEqual(lines.slice(0, 8), [
      `http.get: 200 ${id}`,
      `fetch: 200 ${id}`,
      `net.connect: 200 ${id}`,
      `net.createConnection: 200 ${id}`,
      `new net.Socket().connect: 200 ${id}`,
      `endpoint: 200 ${id}`,
      "admin: 200",
      "guard: true"
    ])
    // NODE_OPTIONS is extended: the caller's --import (the guard) stays, the preload comes after it.
    assert.strictEqual(lines[8], `NODE_OPTIONS: --import=${guard} --import=${preloadUrl.href}`)
    // One line about where the emulator is, nothing else.
    assert.strictEqual(r.stderr.trimEnd().split("\n").length, 1, r.stderr)
  })

  const olderNode = findOlderNode()
  it.skipIf(olderNode === null)(
    `the preload runs on the machine's older Node too (${olderNode ?? "none found"})`,
    async () => {
      const r = await runExec(["--verbose", "--", olderNode ?? "", fixture("reads.mjs")])
      assert.strictEqual(r.code, 0, r.stderr)
      const id = verboseInstance(r.stderr)
      assert.include(r.stdout, `http.get: 200 ${id}\nfetch: 200 ${id}\nnet.connect: 200 ${id}\n`)
    }
  )

  it("the documented token recipe works; a plain GET is served in optional mode", async () => {
    const r = await runExec(["--verbose", "--", node, fixture("token.mjs")])
    assert.strictEqual(r.code, 0, r.stderr)
    const got = JSON.parse(r.stdout) as Record<string, unknown>
    assert.deepInclude(got, { plain: 200, put: 200, get: 200, instanceId: verboseInstance(r.stderr) })
  })

  it("--http-tokens required refuses the plain GET with 403; the token recipe still works", async () => {
    const r = await runExec(["--http-tokens", "required", "--", node, fixture("token.mjs")])
    assert.strictEqual(r.code, 0, r.stderr)
    const got = JSON.parse(r.stdout) as Record<string, unknown>
    assert.deepInclude(got, { plain: 403, put: 200, get: 200 })
    assert.match(String(got.instanceId), /^i-[a-z0-9]+$/)
  })

  it("stdin reaches the command and is not read by exec", async () => {
    const r = await runExec(["--", node, "-e", "process.stdin.pipe(process.stdout)"], { input: "piped through\n" })
    assert.strictEqual(r.code, 0, r.stderr)
    assert.strictEqual(r.stdout, "piped through\n")
  })
})

describe("exec: exit codes and signals", slow, () => {
  it("passes the command's exit code through, quietly", async () => {
    const r = await runExec(["--", node, "-e", "process.exit(7)"])
    assert.strictEqual(r.code, 7)
    assert.strictEqual(r.stderr, "")
  })

  it("a command killed by a signal exits 128 + its number, like a shell", async () => {
    const r = await runExec(["--", node, "-e", "process.kill(process.pid, 'SIGKILL')"])
    assert.strictEqual(r.code, 128 + 9)
  })

  for (const [signal, code] of [
    ["SIGTERM", 43],
    ["SIGINT", 42],
    ["SIGHUP", 41]
  ] as const) {
    it(`${signal} sent to exec reaches the command once; exec ends with the command's code`, async () => {
      const run = startExec(["--verbose", "--", node, fixture("trap.mjs")], { detached: true })
      await run.line(/^ready$/)
      run.child.kill(signal)
      assert.strictEqual(await run.exited, code, run.stderr())
      assert.include(run.stdout(), `got ${signal} (1)`)
      assert.include(run.stderr(), `passed ${signal} on to the command`)
    })
  }

  const script = which("script")
  it.skipIf(script === null)(
    "Ctrl-C on a terminal reaches the command from the terminal alone, not twice",
    async () => {
      // `script` gives exec a terminal whose foreground process group holds exec and the command; ^C goes to both.
      // `exec`: the shell script runs (/bin/sh when SHELL is unset, as in CI) must not stay in the group and die of ^C.
      const line = `exec ${[node, binPath, "exec", "--verbose", "--", node, fixture("trap.mjs")].map(shellQuote).join(" ")}`
      const child = spawn(script ?? "", ["-qfec", line, "/dev/null"], {
        cwd: cliDir,
        env: cleanEnv({ NODE_OPTIONS: `--import=${guard}`, HOME: home }),
        stdio: ["pipe", "pipe", "pipe"]
      })
      let output = ""
      const exited = new Promise<number | null>((resolve) => child.once("close", (c) => resolve(c)))
      await new Promise<void>((resolve, reject) => {
        child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
          output += chunk
          if (/^ready\r?$/m.test(output)) resolve()
        })
        void exited.then(() => reject(new Error(`script exited early: ${output}`)))
      })
      child.stdin.write("\x03")
      assert.strictEqual(await exited, 42, output)
      assert.include(output, "got SIGINT (1)")
      assert.include(output, "SIGINT came from the terminal, which sent it to the command as well")
      assert.notInclude(output, "passed SIGINT on")
      child.stdin.end()
    }
  )
})

describe("exec: errors", slow, () => {
  it("a command that does not exist exits 127 and is named", async () => {
    const r = await runExec(["--", "aliyun-imds-no-such-command", "x"])
    assert.strictEqual(r.code, 127)
    assert.strictEqual(
      r.stderr,
      'aliyun-imds: command not found: "aliyun-imds-no-such-command"; check its name, or the PATH\n'
    )
  })

  it("a file that is not executable exits 126", async () => {
    const dir = mkdtempSync(join(tmpdir(), "aliyun-imds-exec-"))
    const file = join(dir, "not-executable")
    writeFileSync(file, "#!/bin/sh\nexit 0\n")
    chmodSync(file, 0o644)
    try {
      const r = await runExec(["--", file])
      assert.strictEqual(r.code, 126)
      assert.include(r.stderr, `cannot run ${JSON.stringify(file)}: permission denied`)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it("without --, or with nothing after it, is a usage error (2) and runs nothing", async () => {
    const missing = await runExec([node, fixture("trap.mjs")])
    assert.strictEqual(missing.code, 2)
    assert.include(
      missing.stderr,
      "exec runs the command given after --: aliyun-imds exec [serve flags] -- CMD [ARGS...]"
    )
    assert.strictEqual(missing.stdout, "")
    // The command's own flags, without --, are taken for exec's: an unknown flag.
    const flags = await runExec([node, "-e", "console.log('ran')"])
    assert.strictEqual(flags.code, 2)
    assert.include(flags.stderr, "unknown flag -e")
    const empty = await runExec(["--"])
    assert.strictEqual(empty.code, 2)
    assert.include(empty.stderr, "exec needs a command after --")
    const before = await runExec([node, "--", "-e", "console.log('ran')"])
    assert.strictEqual(before.code, 2)
    assert.include(before.stderr, "put exec's command after --, not before")
    assert.strictEqual(before.stdout, "")
  })

  it("an emulator that cannot start exits 1 with the reason, and the command does not run", async () => {
    const r = await runExec(["--config", join(home, "missing.yaml"), "--", node, "-e", "console.log('ran')"])
    assert.strictEqual(r.code, 1)
    assert.match(r.stderr, /^aliyun-imds: cannot read .*missing\.yaml.*--config/)
    assert.strictEqual(r.stdout, "")
  })

  it("a metadata listener off loopback is refused before anything starts", async () => {
    const r = await runExec(["--host", "192.0.2.1", "--", node, "-e", "console.log('ran')"])
    assert.strictEqual(r.code, 2)
    assert.include(r.stderr, "exec's emulator listens on loopback")
    assert.strictEqual(r.stdout, "")
  })
})

describe("exec: the preload ships with the CLI", () => {
  it("sits beside src/ and dist/bundle/ and is in the package's files", () => {
    assert.strictEqual(fileURLToPath(preloadUrl), join(cliDir, "preload", "register.mjs"))
    assert.isTrue(existsSync(fileURLToPath(preloadUrl)))
    const pkg = JSON.parse(readFileSync(join(cliDir, "package.json"), "utf8")) as { files: ReadonlyArray<string> }
    assert.include(pkg.files, "preload")
  })
})

function which(command: string): string | null {
  for (const dir of (process.env.PATH ?? "").split(delimiter)) {
    const candidate = join(dir, command)
    if (dir !== "" && existsSync(candidate)) return candidate
  }
  return null
}

/** A Node older than the one running the tests (>= 20.6, which has --import), e.g. the machine's Node 20. */
function findOlderNode(): string | null {
  const [major = 0] = process.versions.node.split(".").map(Number)
  const candidates = [
    ...(process.env.PATH ?? "").split(delimiter).map((dir) => join(dir, "node")),
    "/usr/bin/node",
    "/usr/local/bin/node"
  ]
  for (const candidate of candidates) {
    if (!existsSync(candidate) || realpathSync(candidate) === realpathSync(node)) continue
    const version = execFileSync(candidate, ["--version"], { encoding: "utf8" }).trim()
    const [m = 0, n = 0] = version.replace(/^v/, "").split(".").map(Number)
    if (m < major && (m > 20 || (m === 20 && n >= 6))) return candidate
  }
  return null
}

function shellQuote(word: string): string {
  return `'${word.replaceAll("'", `'\\''`)}'`
}
