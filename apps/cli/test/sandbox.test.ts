// `aliyun-imds sandbox`: real, unmodified programs (curl, Python's urllib, @alicloud/credentials, the OTel Alibaba
// detector) reach the emulator at the real 100.100.100.200 inside network namespaces the sandbox creates — with no
// redirect of any kind — while its admin API stays reachable from outside on a Unix socket. Exit codes and signals
// pass through, and after every test nothing of the sandbox is left: no process, no namespace, no socket.
// Linux as root (CI); the normal-user case runs the sandbox as `nobody` in a user namespace.
import { type ChildProcess, execFileSync, spawn } from "node:child_process"
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { basename, dirname, join } from "node:path"
import { fileURLToPath } from "node:url"
import { afterAll, afterEach, assert, beforeAll, beforeEach, describe, it, vi } from "vitest"
import { binPath, cleanEnv, cliDir, runCli } from "./support/cli.ts"

const isRoot = process.platform === "linux" && process.getuid?.() === 0
// Each test starts one or two sandboxes (a namespace, an emulator, the program): seconds on a quiet machine, more
// when CI runs the other suites beside it.
vi.setConfig({ testTimeout: 60_000, hookTimeout: 60_000 })
const fixtures = fileURLToPath(new URL("./fixtures/", import.meta.url))
const imds = "http://100.100.100.200"

let dir: string
let socket: string

/** Network namespaces on the machine (every process's, deduplicated). */
const netNamespaces = (): number =>
  execFileSync("lsns", ["-t", "net", "-n", "-o", "NS"], { encoding: "utf8" }).trim().split("\n").length

/** Processes whose command line mentions this test's directory (the sandbox's inside carries the socket path). */
const ourProcesses = (): ReadonlyArray<string> =>
  readdirSync("/proc")
    .filter((p) => /^\d+$/.test(p))
    .flatMap((pid) => {
      try {
        const cmdline = readFileSync(`/proc/${pid}/cmdline`, "utf8").replaceAll("\0", " ")
        return cmdline.includes(dir) ? [`${pid} ${cmdline}`] : []
      } catch {
        return []
      }
    })

let namespacesBefore = 0
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "aliyun-imds-sandbox-test-"))
  chmodSync(dir, 0o777)
  socket = join(dir, "admin.sock")
  namespacesBefore = netNamespaces()
})

afterEach(() => {
  try {
    assert.deepStrictEqual(ourProcesses(), [], "no process of the sandbox is left")
    assert.isFalse(existsSync(socket), "the admin socket is removed")
    assert.isAtMost(netNamespaces(), namespacesBefore, "no network namespace is left")
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})

interface Run {
  readonly child: ChildProcess
  readonly done: Promise<{ code: number | null; stdout: string; stderr: string }>
  /** Resolves with stdout so far once it contains `text`. */
  readonly printed: (text: string) => Promise<string>
}

/** `aliyun-imds sandbox|check --admin-socket <test dir> FLAGS -- CMD`, stdin piped. */
const sandbox = (
  flags: ReadonlyArray<string>,
  command: ReadonlyArray<string>,
  prefix: ReadonlyArray<string> = [],
  subcommand: "sandbox" | "check" = "sandbox",
  adminSocket: string = socket
): Run => {
  const child = spawn(
    prefix[0] ?? process.execPath,
    [
      ...prefix.slice(1),
      ...(prefix.length > 0 ? [process.execPath] : []),
      binPath,
      subcommand,
      "--admin-socket",
      adminSocket,
      ...flags,
      "--",
      ...command
    ],
    {
      cwd: cliDir,
      env: cleanEnv(),
      stdio: ["pipe", "pipe", "pipe"]
    }
  )
  let stdout = ""
  let stderr = ""
  const waiters: Array<() => void> = []
  child.stdout?.setEncoding("utf8").on("data", (c: string) => {
    stdout += c
    for (const w of waiters) w()
  })
  child.stderr?.setEncoding("utf8").on("data", (c: string) => (stderr += c))
  const done = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
    child.once("close", (code) => resolve({ code, stdout, stderr }))
  )
  const printed = (text: string) =>
    new Promise<string>((resolve, reject) => {
      const check = () => stdout.includes(text) && resolve(stdout)
      waiters.push(check)
      check()
      void done.then(() => reject(new Error(`ended before printing ${text}: ${stdout}\n${stderr}`)))
    })
  return { child, done, printed }
}

const finished = async (flags: ReadonlyArray<string>, command: ReadonlyArray<string>) => {
  const run = sandbox(flags, command)
  run.child.stdin?.end()
  return run.done
}

describe.skipIf(!isRoot)("sandbox: unmodified programs at 100.100.100.200 (root: a network namespace)", () => {
  it("curl reads the instance id at the real address", async () => {
    const r = await finished([], ["curl", "-s", `${imds}/latest/meta-data/instance-id`])
    assert.strictEqual(r.code, 0, r.stderr)
    assert.match(r.stdout, /^i-[a-z0-9]+$/)
  })

  it("the documented token recipe works verbatim; --http-tokens required refuses the plain GET with 403", async () => {
    const recipe = [
      'TOKEN=$(curl -s -X PUT "http://100.100.100.200/latest/api/token" -H "X-aliyun-ecs-metadata-token-ttl-seconds: 21600")',
      'curl -s -H "X-aliyun-ecs-metadata-token: $TOKEN" http://100.100.100.200/latest/meta-data/region-id',
      'echo " plain: $(curl -s -o /dev/null -w "%{http_code}" http://100.100.100.200/latest/meta-data/region-id)"'
    ].join("; ")
    const optional = await finished([], ["sh", "-c", recipe])
    assert.strictEqual(optional.stdout, "cn-beijing plain: 200\n", optional.stderr)
    const required = await finished(["--http-tokens", "required"], ["sh", "-c", recipe])
    assert.strictEqual(required.stdout, "cn-beijing plain: 403\n", required.stderr)
  })

  it("@alicloud/credentials (default chain, ALIBABA_CLOUD_ECS_METADATA) gets the role's STS keys, no shim", async () => {
    const r = await finished(
      ["--http-tokens", "required"],
      ["env", "ALIBABA_CLOUD_ECS_METADATA=AliyunImdsDemoRole", process.execPath, join(fixtures, "credentials.cjs")]
    )
    assert.strictEqual(r.code, 0, r.stderr)
    const credential = JSON.parse(r.stdout) as { type: string; accessKeyId: string; hasToken: boolean }
    assert.include(["default", "ecs_ram_role"], credential.type)
    assert.match(credential.accessKeyId, /^STS\./)
    assert.isTrue(credential.hasToken)
  })

  it("the OTel Alibaba detector detects the emulated instance, no shim", async () => {
    const r = await finished([], [process.execPath, join(fixtures, "otel.mjs")])
    assert.strictEqual(r.code, 0, r.stderr)
    const attributes = JSON.parse(r.stdout) as Record<string, string>
    assert.strictEqual(attributes["cloud.provider"], "alibaba_cloud")
    assert.strictEqual(attributes["cloud.region"], "cn-beijing")
    assert.match(attributes["host.id"] ?? "", /^i-/)
  })

  it("a Python urllib program with the token recipe reads its hostname", async () => {
    const r = await finished(["--http-tokens", "required"], ["python3", join(fixtures, "imds.py"), "hostname"])
    assert.strictEqual(r.code, 0, r.stderr)
    assert.match(r.stdout, /^\S+\n$/)
  })

  it("the admin API answers on the socket from outside while the command runs: a mode switch mid-run", async () => {
    const status = `curl -s -o /dev/null -w "%{http_code}\\n" ${imds}/latest/meta-data/instance-id`
    const run = sandbox([], ["sh", "-c", `${status}; read go; ${status}`])
    await run.printed("200\n")
    const set = await runCli(["options", "set", "--http-tokens", "required", "--admin", `unix:${socket}`])
    assert.strictEqual(set.code, 0, set.stderr)
    run.child.stdin?.end("go\n")
    const r = await run.done
    assert.strictEqual(r.stdout, "200\n403\n")
    assert.strictEqual(r.code, 0)
  })

  it("--state keeps a change made inside for the next sandbox; a second one on the file meanwhile is refused", async () => {
    const state = join(dir, "state.json")
    const status = `curl -s -o /dev/null -w "%{http_code}\\n" ${imds}/latest/meta-data/instance-id`
    const setRequired = [process.execPath, binPath, "options", "set", "--http-tokens", "required"].join(" ")
    const first = sandbox(
      ["--state", state],
      ["sh", "-c", `${setRequired} > /dev/null && echo set; read go; ${status}`]
    )
    await first.printed("set\n")
    // The first sandbox's emulator holds the file from inside its own PID namespace.
    const second = sandbox(["--state", state], ["true"], [], "sandbox", join(dir, "second.sock"))
    second.child.stdin?.end()
    const refused = await second.done
    assert.strictEqual(refused.code, 1, refused.stderr)
    assert.include(refused.stderr, `state file ${state} is in use by another emulator`)
    first.child.stdin?.end("go\n")
    const r = await first.done
    assert.strictEqual(r.stdout, "set\n403\n", r.stderr)
    const again = await finished(["--state", state], ["sh", "-c", status])
    assert.strictEqual(again.stdout, "403\n", again.stderr)
    assert.isFalse(existsSync(`${state}.lock`), "the lock goes with the last sandbox")
  })

  it("stdin and the exit code pass through; a missing command is 127", async () => {
    const run = sandbox([], ["sh", "-c", "read line; echo got $line; exit 7"])
    run.child.stdin?.end("hello\n")
    const r = await run.done
    assert.strictEqual(r.stdout, "got hello\n")
    assert.strictEqual(r.code, 7)
    const missing = await finished([], ["no-such-command-here"])
    assert.strictEqual(missing.code, 127)
    assert.include(missing.stderr, "no-such-command-here: command not found")
  })

  it("Ctrl-C (SIGINT) reaches the command and its exit code is passed on; SIGTERM likewise", async () => {
    const trap = (signal: string, code: number) => [
      "sh",
      "-c",
      `trap "echo caught ${signal}; exit ${code}" ${signal}; echo ready; while :; do sleep 0.05; done`
    ]
    const interrupted = sandbox([], trap("INT", 42))
    await interrupted.printed("ready\n")
    interrupted.child.kill("SIGINT")
    const r = await interrupted.done
    assert.strictEqual(r.stdout, "ready\ncaught INT\n")
    assert.strictEqual(r.code, 42)
    const terminated = sandbox([], ["sh", "-c", "echo ready; while :; do sleep 0.05; done"])
    await terminated.printed("ready\n")
    terminated.child.kill("SIGTERM")
    assert.strictEqual((await terminated.done).code, 143, "killed by SIGTERM: 128 + 15")
  })

  it("a command that leaves a background process behind: the sandbox ends it", async () => {
    const r = await finished([], ["sh", "-c", `sleep 300 & echo left ${dir}`])
    assert.strictEqual(r.code, 0)
    // afterEach checks that no process of ours (the sleep included) is left.
  })

  it("the sandbox killed with SIGKILL: its inside notices and ends everything", async () => {
    const run = sandbox([], ["sh", "-c", `echo ready; sleep 300; echo ${dir}`])
    await run.printed("ready\n")
    run.child.kill("SIGKILL")
    await run.done
    // The inside ends on its own once its control socket closes; wait for it by watching the socket file go.
    await new Promise<void>((resolve) => {
      const poll = setInterval(() => {
        if (!existsSync(socket) && ourProcesses().length === 0) {
          clearInterval(poll)
          resolve()
        }
      }, 20)
    })
  })

  it("an emulator that cannot start: exit 1 with its reason, the command never runs, nothing left", async () => {
    const r = await finished(["--config", join(dir, "missing.yaml")], ["sh", "-c", "echo ran"])
    assert.strictEqual(r.code, 1)
    assert.strictEqual(r.stdout, "")
    assert.include(r.stderr, "the emulator did not start: cannot read fleet file")
  })

  it("no command after --: a usage error (2) that shows the form", async () => {
    const r = await runCli(["sandbox", "curl", "x"])
    assert.strictEqual(r.code, 2)
    assert.include(r.stderr, "give the command to run after --")
  })
})

describe.skipIf(!isRoot)("check: the CI gate, and audit of the processes inside", () => {
  const check = (flags: ReadonlyArray<string>, command: ReadonlyArray<string>) => {
    const run = sandbox(flags, command, [], "check")
    run.child.stdin?.end()
    return run.done
  }
  const tokenRecipe = [
    'T=$(curl -s -X PUT -H "X-aliyun-ecs-metadata-token-ttl-seconds: 60" http://100.100.100.200/latest/api/token)',
    'curl -s -H "X-aliyun-ecs-metadata-token: $T" http://100.100.100.200/latest/meta-data/instance-id'
  ].join("; ")

  it("fails (5) for a program that reads without a token, naming its process (pid, command line) and paths", async () => {
    const script = join(dir, "legacy.sh")
    writeFileSync(script, `#!/bin/sh\ncurl -s ${imds}/latest/meta-data/region-id\n`)
    chmodSync(script, 0o755)
    const r = await check([], ["sh", script])
    assert.strictEqual(r.code, 5, r.stderr)
    assert.strictEqual(r.stdout, "cn-beijing", "the command's own output is untouched")
    assert.match(
      r.stderr,
      /check failed: 1 request without a token, from curl -s http:\/\/100\.100\.100\.200\S+ \(pid \d+\)/
    )
    assert.include(r.stderr, "/latest/meta-data/region-id")
  })

  it("passes (0) for a token-mode program and says what it saw", async () => {
    const r = await check([], ["sh", "-c", tokenRecipe])
    assert.strictEqual(r.code, 0, r.stderr)
    assert.include(r.stderr, "check passed: 2 requests, 1 token PUT; every read with a token")
  })

  it("--http-tokens required: a normal-mode program that then cannot read fails (6), its reads listed", async () => {
    const r = await check(["--http-tokens", "required"], ["curl", "-sf", `${imds}/latest/meta-data/instance-id`])
    assert.strictEqual(r.code, 6, r.stderr)
    assert.include(r.stderr, "check failed: the command exited 22")
    assert.include(r.stderr, "1 request without a token")
    const passing = await check(["--http-tokens", "required"], ["sh", "-c", tokenRecipe])
    assert.strictEqual(passing.code, 0, passing.stderr)
  })

  it("audit inside the sandbox tells two processes apart", async () => {
    const curl = `curl -s -o /dev/null ${imds}/latest/meta-data/hostname`
    const python = `python3 -c "import urllib.request as u; u.urlopen('${imds}/latest/meta-data/instance-id').read()"`
    const audit = `${process.execPath} ${binPath} audit --json`
    const r = await finished([], ["sh", "-c", `${curl}; ${curl}; ${python}; ${audit}`])
    assert.strictEqual(r.code, 0, r.stderr)
    const groups = JSON.parse(r.stdout).groups as Array<{
      process: { cmdline: string } | null
      pids: Array<number>
      count: number
      paths: Array<{ path: string }>
    }>
    assert.deepStrictEqual(
      groups.map((g) => [
        basename(g.process?.cmdline.split(" ")[0] ?? ""),
        g.pids.length,
        g.count,
        g.paths.map((p) => p.path)
      ]),
      [
        ["curl", 2, 2, ["/latest/meta-data/hostname"]],
        ["python3", 1, 1, ["/latest/meta-data/instance-id"]]
      ]
    )
  })
})

/**
 * Lets every user pass through the directories above `path` that only their owner may enter (a checkout made with
 * `mktemp -d` is 0700), so `nobody` can run the CLI from it; returns how to put each mode back.
 */
const openPathFor = (path: string): (() => void) => {
  const changed: Array<readonly [string, number]> = []
  for (let at = dirname(path); ; at = dirname(at)) {
    const mode = statSync(at).mode & 0o7777
    if ((mode & 0o001) === 0) {
      chmodSync(at, mode | 0o001)
      changed.push([at, mode])
    }
    if (dirname(at) === at) break
  }
  return () => {
    for (const [at, mode] of changed) chmodSync(at, mode)
  }
}

describe.skipIf(!isRoot)("sandbox as a normal user (a user + network namespace)", () => {
  const asNobody = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]
  let restoreModes = () => {}
  beforeAll(() => {
    restoreModes = openPathFor(join(cliDir, "package.json"))
  })
  afterAll(() => restoreModes())

  it("runs curl at the real address and says which namespace it used", async () => {
    const run = sandbox(["--log-level", "info"], ["curl", "-s", `${imds}/latest/meta-data/instance-id`], asNobody)
    run.child.stdin?.end()
    const r = await run.done
    assert.strictEqual(r.code, 0, r.stderr)
    assert.match(r.stdout, /^i-[a-z0-9]+$/)
    assert.include(r.stderr, "user + network namespace")
  })

  it("where the kernel refuses user namespaces: a clear error naming the ways out, exit 1", async () => {
    const fake = join(dir, "bin")
    execFileSync("mkdir", ["-p", fake])
    writeFileSync(
      join(fake, "unshare"),
      "#!/bin/sh\necho 'unshare: unshare failed: Operation not permitted' >&2\nexit 1\n"
    )
    chmodSync(join(fake, "unshare"), 0o755)
    const run = sandbox([], ["true"], [...asNobody, "env", `PATH=${fake}:${process.env.PATH}`])
    run.child.stdin?.end()
    const r = await run.done
    assert.strictEqual(r.code, 1)
    assert.include(r.stderr, "does not let a normal user create a network namespace (unshare: unshare failed")
    assert.include(r.stderr, "run as root")
    assert.include(r.stderr, "aliyun-imds exec")
  })
})
