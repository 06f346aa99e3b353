// docs/container.md's compose file, run as written: only `image: my-app` and the emulator's image tag are replaced, by
// images this test builds offline FROM scratch. The app is the image's own binary reading
// `aliyun-imds get meta-data/instance-id --endpoint http://100.100.100.200` (a token PUT, then the GET with it), so it
// proves that an unmodified client reaches the emulator at 100.100.100.200:80 in forced hardened mode.
//
// Compose is Debian's docker-compose 1.29 on podman's Docker-compatible API (`podman system service`, rootful,
// netavark, runc). Debian's podman-compose (1.0.3) cannot run the file: it stops with a KeyError on a service's
// `networks` written as a map (which `ipv4_address` needs), and creates networks without their `ipam` subnet.
//
// Nothing of this reaches the host's network: the podman service runs in a network namespace the test creates
// (`ip netns add`), so the compose bridge, 100.100.100.0/24 and its iptables rules exist only there (checked while the
// containers run), and the published admin port is that namespace's loopback. It is entered with `nsenter --net`,
// not `ip netns exec`, which would also give podman a mount namespace of its own whose mounts later podman commands
// could not see. Everything is removed on every path and checked gone: the compose project, the namespace, the
// images, and podman's own per-container namespaces.
import { type ChildProcess, spawn } from "node:child_process"
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { setTimeout as delay } from "node:timers/promises"
import { fileURLToPath } from "node:url"
import { afterAll, assert, beforeAll, it } from "vitest"
import { must, privatePodman, provision, run } from "../support/podman.ts"

const cli = fileURLToPath(new URL("../..", import.meta.url))
const dir = mkdtempSync(join(tmpdir(), "aliyun-imds-compose-test-"))
const env = privatePodman(dir)
const image = "aliyun-imds:compose-test"
const appImage = "aliyun-imds-app:compose-test"
const ns = `aliyun-imds-compose-${process.pid}`
const project = `imdscompose${process.pid}`
const network = `${project}_metadata`
const socket = join(dir, "podman.sock")
const composeEnv = { ...env, DOCKER_HOST: `unix://${socket}` }

/** A command in the test's network namespace. */
const inNs = (cmd: string, args: ReadonlyArray<string>) => run(env, "nsenter", [`--net=/run/netns/${ns}`, cmd, ...args])
const compose = (...args: Array<string>) =>
  run(composeEnv, "docker-compose", ["--no-ansi", "-p", project, "-f", join(dir, "compose.yaml"), ...args])
const composeMust = (...args: Array<string>) => {
  const r = compose(...args)
  if (r.code !== 0) throw new Error(`docker-compose ${args.join(" ")} failed (exit ${r.code}):\n${r.out}`)
  return r.out
}
const podman = (...args: Array<string>) => run(env, "podman", args)

/** Polls `check` every 100 ms until it gives a value, failing with `what` after `seconds`. */
const until = async <A>(what: string, seconds: number, check: () => A | undefined): Promise<A> => {
  const deadline = Date.now() + seconds * 1000
  for (;;) {
    const value = check()
    if (value !== undefined) return value
    if (Date.now() > deadline) throw new Error(`timed out after ${seconds} s waiting for ${what}`)
    await delay(100)
  }
}

/** The compose file of docs/container.md, with the app and emulator images replaced by this test's. */
const documentedCompose = () => {
  const doc = readFileSync(join(cli, "..", "..", "docs", "container.md"), "utf8")
  const section = doc.split("## Next to an app (compose)")[1] ?? ""
  const yaml = /```yaml\n([\s\S]*?)```/.exec(section)?.[1]
  assert.isDefined(yaml, "docs/container.md has a compose file under 'Next to an app (compose)'")
  const lines = (yaml ?? "").split("\n")
  const app = lines.filter((line) => line.trim() === "image: my-app")
  const imds = lines.filter((line) => /^\s+image: aliyun-imds:\S+$/.test(line))
  assert.strictEqual(app.length, 1, "one app image, my-app")
  assert.strictEqual(imds.length, 1, "one emulator image")
  return lines
    .map((line) =>
      line.trim() === "image: my-app"
        ? line.replace("my-app", appImage)
        : line.replace(/^(\s+image: )aliyun-imds:\S+$/, `$1${image}`)
    )
    .join("\n")
}

const containerName = (service: string) => `${project}_${service}_1`
const hostNetwork = () =>
  [
    must(env, "ip", ["addr"]),
    must(env, "ip", ["route", "show", "table", "all"]),
    run(env, "iptables-save", []).out,
    run(env, "nft", ["list", "ruleset"]).out
  ].join("\n")

let service: ChildProcess | undefined
const sandboxes = new Set<string>()
let tornDown: Array<string> | undefined

/** Removes everything the test made, on any path; returns what is still there. */
const tearDown = async (): Promise<Array<string>> => {
  if (tornDown !== undefined) return tornDown
  if (service !== undefined && service.exitCode === null) {
    const down = compose("down", "--timeout", "5")
    if (down.code !== 0) console.log(`docker-compose down failed (exit ${down.code}):\n${down.out}`)
  }
  const ours = podman("ps", "-a", "-q", "--filter", `label=com.docker.compose.project=${project}`)
  for (const id of ours.out.split("\n").filter((line) => /^[0-9a-f]+$/.test(line)))
    inNs("podman", ["rm", "-f", "-t", "0", id])
  inNs("podman", ["network", "rm", "-f", network])
  if (service !== undefined && service.exitCode === null) {
    const exited = new Promise((resolve) => service?.once("exit", resolve))
    service.kill("SIGTERM")
    await Promise.race([exited, delay(10_000)])
    if (service.exitCode === null) service.kill("SIGKILL")
  }
  podman("rmi", "-f", appImage, image)
  run(env, "ip", ["netns", "del", ns])

  const left: Array<string> = []
  const netns = must(env, "ip", ["netns", "list"])
  if (netns.includes(ns)) left.push(`the network namespace ${ns}`)
  for (const key of sandboxes) if (existsSync(key)) left.push(`podman's container namespace ${key}`)
  const containers = podman("ps", "-a", "--format", "{{.Names}}")
  if (containers.code !== 0 || containers.out.trim() !== "") left.push(`containers: ${containers.out.trim()}`)
  const networks = podman("network", "ls", "--format", "{{.Name}}")
  if (networks.code !== 0 || networks.out.trim() !== "podman") left.push(`networks: ${networks.out.trim()}`)
  const images = podman("images", "-q")
  if (images.code !== 0 || images.out.trim() !== "") left.push(`images: ${images.out.trim()}`)
  if (service !== undefined && service.exitCode === null && service.signalCode === null) left.push("the podman service")
  rmSync(dir, { recursive: true, force: true })
  tornDown = left
  return left
}

beforeAll(async () => {
  provision({ podman: "podman", runc: "runc" }, "the compose test")
  provision(
    { "docker-compose": "docker-compose", nsenter: "util-linux", ip: "iproute2", curl: "curl" },
    "the compose test"
  )
  if (process.getuid?.() !== 0)
    throw new Error("the compose test runs rootful podman in a network namespace: run it as root")
  const started = Date.now()
  must(env, process.execPath, [join(cli, "scripts", "build-image.mjs"), "--engine", "podman", "--tag", image])
  // The app: the same binary, reading the instance id from the address unmodified SDKs use.
  mkdirSync(join(dir, "app"))
  writeFileSync(
    join(dir, "app", "Containerfile"),
    `FROM ${image}\nENTRYPOINT ["/aliyun-imds"]\n` +
      `CMD ["get", "meta-data/instance-id", "--endpoint", "http://100.100.100.200"]\n`
  )
  must(env, "podman", ["build", "-t", appImage, join(dir, "app")])
  console.log(`images built in ${((Date.now() - started) / 1000).toFixed(1)} s`)

  writeFileSync(join(dir, "compose.yaml"), documentedCompose())
  must(env, "ip", ["netns", "add", ns])
  must(env, "ip", ["-n", ns, "link", "set", "lo", "up"])
  service = spawn(
    "nsenter",
    [`--net=/run/netns/${ns}`, "podman", "system", "service", "--time=0", `unix://${socket}`],
    {
      env,
      stdio: ["ignore", "ignore", "pipe"]
    }
  )
  // Its log (attach errors when docker-compose hangs up are normal) is shown only when the service does not come up.
  let log = ""
  service.stderr?.setEncoding("utf8").on("data", (chunk: string) => (log = `${log}${chunk}`.slice(-4096)))
  await until("the podman service", 30, () =>
    run(env, "curl", ["-s", "--unix-socket", socket, "http://d/_ping"]).out === "OK" ? true : undefined
  ).catch((error: Error) => {
    throw new Error(`${error.message}; its log:\n${log}`)
  })
}, 900_000)

afterAll(async () => {
  const left = await tearDown()
  assert.deepStrictEqual(left, [], "nothing is left behind")
})

it("runs the documented compose file: the app reads the instance id at 100.100.100.200 with a token", async () => {
  const started = Date.now()
  // `depends_on` only orders the starts, and the app reads at once: start it once the emulator listens. One `up`
  // creates the project: docker-compose 1.29 refuses a second `up` or `run` on podman ("IPAM option "driver" has
  // changed", an option podman reports that compose did not set), while `start` checks no network.
  composeMust("up", "--no-start")
  composeMust("start", "imds")
  await until("the emulator to listen", 30, () =>
    podman("logs", containerName("imds")).out.includes('"message":"listening"') ? true : undefined
  )
  for (const service of ["imds", "app"]) {
    const key = must(env, "podman", ["inspect", "--format", "{{.NetworkSettings.SandboxKey}}", containerName(service)])
    if (key.trim() !== "") sandboxes.add(key.trim())
  }
  assert.strictEqual(
    must(env, "podman", [
      "inspect",
      "--format",
      `{{(index .NetworkSettings.Networks "${network}").IPAddress}}`,
      containerName("imds")
    ]).trim(),
    "100.100.100.200"
  )

  composeMust("start", "app")
  const status = await until("the app to exit", 60, () => {
    const state = must(env, "podman", [
      "inspect",
      "--format",
      "{{.State.Status}} {{.State.ExitCode}}",
      containerName("app")
    ])
    return state.startsWith("exited ") ? state.trim() : undefined
  })
  const output = must(env, "podman", ["logs", containerName("app")])
  assert.strictEqual(status, "exited 0", `the app failed:\n${output}`)
  assert.match(output, /^i-[a-z0-9]+$/)

  // The emulator's own view, from its admin port published on the namespace's loopback: the same instance, and
  // tokens required.
  const options = inNs("curl", [
    "-s",
    "-H",
    "Authorization: Bearer change-me",
    "http://127.0.0.1:8101/v1/metadata-options"
  ])
  assert.include(options.out, `"InstanceId":"${output}"`)
  assert.include(options.out, '"HttpTokens":"required"')
  console.log(`compose up to the app's answer: ${((Date.now() - started) / 1000).toFixed(1)} s`)

  // The bridge and the address exist in the test's namespace and nowhere on the host.
  assert.match(must(env, "ip", ["-n", ns, "-br", "addr"]), /\b100\.100\.100\.1\/24\b/)
  assert.notMatch(hostNetwork(), /100\.100\.100\./, "no 100.100.100.x address, route or rule on the host")
  const bridge = /^(\S+)\s+\S+\s+100\.100\.100\.1\/24/m.exec(must(env, "ip", ["-n", ns, "-br", "addr"]))?.[1]
  assert.isDefined(bridge)
  assert.notInclude(
    must(env, "ip", ["-br", "link"])
      .split("\n")
      .map((line) => line.split(/\s+/)[0]),
    bridge,
    "the compose bridge is not on the host"
  )
})

it("refuses a token-less read from the app's network with 403, and a bad token with 401", () => {
  const read = (...flags: Array<string>) =>
    inNs("podman", [
      "run",
      "--rm",
      "--network",
      network,
      appImage,
      "get",
      "meta-data/instance-id",
      "--endpoint",
      "http://100.100.100.200",
      ...flags
    ])
  const tokenless = read("--mode", "normal")
  assert.strictEqual(tokenless.code, 3, tokenless.out)
  assert.include(tokenless.out, "refused (403) on /latest/meta-data/instance-id in normal mode")
  const forged = read("--token", "forged")
  assert.strictEqual(forged.code, 3, forged.out)
  assert.include(forged.out, "(401)")
})

it("leaves nothing behind: compose project, containers, networks, images, namespaces", async () => {
  assert.deepStrictEqual(await tearDown(), [])
  assert.notInclude(run(process.env, "ip", ["netns", "list"]).out, ns)
})
