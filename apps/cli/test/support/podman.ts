// Test support for the slow lane's container tests (test/slow/*.slow.ts): Debian packages provisioned from apt, and a
// podman with private storage, networks and settings in a temp directory (CONTAINERS_CONF, CONTAINERS_STORAGE_CONF),
// so nothing of the host's podman is read or changed and the podman commands the tests run are the documented ones.
import { spawnSync } from "node:child_process"
import { mkdirSync, writeFileSync } from "node:fs"
import { join } from "node:path"

export interface Run {
  readonly code: number | null
  readonly out: string
}

/** `cmd args` with `env`; stdout and stderr together, and a spawn error (a missing program) in `out`. */
export const run = (env: NodeJS.ProcessEnv, cmd: string, args: ReadonlyArray<string>): Run => {
  const r = spawnSync(cmd, args, { env, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 })
  return { code: r.status, out: `${r.stdout ?? ""}${r.stderr ?? ""}${r.error === undefined ? "" : String(r.error)}` }
}

/** Like `run`, and throws with the command and its output unless it exits 0. */
export const must = (env: NodeJS.ProcessEnv, cmd: string, args: ReadonlyArray<string>): string => {
  const r = run(env, cmd, args)
  if (r.code !== 0) throw new Error(`${cmd} ${args.join(" ")} failed (exit ${r.code}):\n${r.out}`)
  return r.out
}

/**
 * Each program that is missing, from its Debian package (`tools`: program → package) with apt-get, as root. A
 * machine where that cannot happen fails here, saying why: the test never passes without running.
 */
export const provision = (tools: Readonly<Record<string, string>>, why: string): void => {
  const missing = Object.keys(tools).filter(
    (tool) => run(process.env, "sh", ["-c", `command -v ${tool} || test -x /usr/sbin/${tool}`]).code !== 0
  )
  if (missing.length === 0) return
  const packages = [...new Set(missing.map((tool) => tools[tool]))].join(" ")
  if (process.getuid?.() !== 0)
    throw new Error(`${why} needs ${missing.join(", ")} (apt-get install -y ${packages}, as root)`)
  const installed = run(process.env, "sh", [
    "-c",
    `apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq ${packages}`
  ])
  if (installed.code !== 0)
    throw new Error(`${why} cannot run here: apt-get install ${packages} failed:\n${installed.out}`)
}

/**
 * The environment of a podman whose images, containers and networks live in `dir`: runc (this machine's crun does
 * not run), no default ulimits (runc may not raise RLIMIT_NOFILE in this nested environment), vfs storage, netavark
 * with its network files in `dir/networks`.
 */
export const privatePodman = (dir: string): NodeJS.ProcessEnv => {
  const env = {
    ...process.env,
    CONTAINERS_CONF: join(dir, "containers.conf"),
    CONTAINERS_STORAGE_CONF: join(dir, "storage.conf")
  }
  mkdirSync(join(dir, "networks"), { recursive: true })
  writeFileSync(
    env.CONTAINERS_CONF,
    `[containers]\ndefault_ulimits = []\n[engine]\nruntime = "runc"\n` +
      `[network]\nnetwork_backend = "netavark"\nnetwork_config_dir = "${join(dir, "networks")}"\n`
  )
  writeFileSync(
    env.CONTAINERS_STORAGE_CONF,
    `[storage]\ndriver = "vfs"\ngraphroot = "${join(dir, "root")}"\nrunroot = "${join(dir, "run")}"\n`
  )
  return env
}
