// `aliyun-imds exec [serve flags] -- CMD [ARGS...]`: runs CMD next to an emulator of its own, for Node programs on
// any OS. The emulator serves in this process on free loopback ports; CMD gets a Node preload (NODE_OPTIONS
// --import) that sends its connections for 100.100.100.200:80 there, plus ALIBABA_CLOUD_IMDS_ENDPOINT and
// ALIYUN_IMDS_ADMIN_URL. CMD owns the terminal: stdio, signals and the exit code are its own.
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath, pathToFileURL } from "node:url"
import type { RunningServer } from "@aliyun-imds/server"
import { Effect, Stdio } from "effect"
import { Argument, Command, Flag, GlobalFlag } from "effect/cli"
import { parseTarget, targetVariable } from "../../preload/ImdsRedirect.mjs"
import { type ChildSpawnError, runChild } from "../ChildProcess.ts"
import { CliFailure, ExitCode, fail, usageError } from "../ExitCodes.ts"
import { Output } from "../Output.ts"
import { bakedPreload } from "../SingleFile.ts"
import { serverLogLevel, startEmulator } from "./emulator.ts"
import { serveFlagSet, serverOptionsOf } from "./serveOptions.ts"

/** The `--import` entry put in CMD's NODE_OPTIONS; beside src/ and dist/, so both find it at the same place. */
export const preloadUrl = new URL("../../preload/register.mjs", import.meta.url)

/**
 * The preload CMD's Node imports: the installed file, or in the single-file binary (whose files CMD's Node cannot
 * read) the baked-in copy written to a private directory that lives as long as the run.
 */
const preloadForRun = Effect.gen(function* () {
  const baked = bakedPreload()
  if (baked === null) {
    if (existsSync(fileURLToPath(preloadUrl))) return preloadUrl
    return yield* fail(ExitCode.runtime, `the exec preload is missing (${preloadUrl.href}); reinstall @aliyun-imds/cli`)
  }
  const dir = yield* Effect.acquireRelease(
    Effect.sync(() => mkdtempSync(join(tmpdir(), "aliyun-imds-exec-"))),
    (made) => Effect.sync(() => rmSync(made, { recursive: true, force: true }))
  )
  for (const [name, source] of Object.entries(baked)) writeFileSync(join(dir, name), source)
  return pathToFileURL(join(dir, "register.mjs"))
})

const usage = "aliyun-imds exec [serve flags] -- CMD [ARGS...]"

const flags = {
  ...serveFlagSet([], { port: 0, adminPort: 0, ecsPort: 0 }),
  verbose: Flag.Boolean("verbose").pipe(
    Flag.withDescription("Say on stderr where the emulator is (quiet by default)"),
    Flag.withDefault(false)
  ),
  command: Argument.String("command").pipe(
    Argument.withDescription("The command to run and its arguments, after --"),
    Argument.variadic()
  )
} as const

/** The command line after `--`. Without `--`, with nothing after it, or with words before it: a usage error. */
export const commandAfterDashes = (
  argv: ReadonlyArray<string>,
  parsed: ReadonlyArray<string>
): Effect.Effect<readonly [string, ...Array<string>], CliFailure> => {
  const dashes = argv.indexOf("--")
  const [command, ...args] = dashes === -1 ? [] : argv.slice(dashes + 1)
  if (dashes === -1) {
    const hint = parsed.length === 0 ? "" : `, e.g. aliyun-imds exec -- ${parsed.join(" ")}`
    return Effect.fail(usageError(`exec runs the command given after --: ${usage}${hint}`))
  }
  if (command === undefined || command === "") return Effect.fail(usageError(`exec needs a command after --: ${usage}`))
  if (parsed.length !== args.length + 1) {
    return Effect.fail(usageError(`put exec's command after --, not before: ${usage}`))
  }
  return Effect.succeed([command, ...args])
}

const hostPort = (host: string, port: number) => `${host.includes(":") ? `[${host}]` : host}:${port}`

/** A listener's address as the child reaches it (a wildcard bind on loopback); null when not on this machine's loopback. */
export const loopbackOf = (host: string): string | null => {
  const reached = host === "0.0.0.0" ? "127.0.0.1" : host === "::" ? "::1" : host
  return parseTarget(hostPort(reached, 1)) === null ? null : reached
}

/** NODE_OPTIONS with the preload added (once), keeping whatever the caller had there. */
export const withPreload = (nodeOptions: string | undefined, preload: string): string => {
  const current = nodeOptions?.trim() ?? ""
  const flag = `--import=${preload}`
  return current.split(/\s+/).includes(flag) ? current : `${current} ${flag}`.trim()
}

export interface ExecTarget {
  /** `HOST:PORT` of the metadata listener, for the preload. */
  readonly target: string
  readonly metadataUrl: string
  readonly adminUrl: string
}

/** Where the child finds the emulator, whose metadata listener is on loopback. */
export const execTarget = (server: RunningServer, host: string): ExecTarget => {
  const target = hostPort(host, server.port)
  const adminHost = loopbackOf(server.adminHost) ?? server.adminHost
  const adminUrl = server.adminSocket === null ? `http://${hostPort(adminHost, server.adminPort)}` : server.adminUrl
  return { target, metadataUrl: `http://${target}`, adminUrl }
}

/** CMD's environment: this process's, with the preload and the emulator's addresses (and admin token, if any). */
export const execEnvironment = (
  base: NodeJS.ProcessEnv,
  where: ExecTarget,
  adminToken: string | undefined,
  preload: string = preloadUrl.href
): NodeJS.ProcessEnv => ({
  ...base,
  NODE_OPTIONS: withPreload(base.NODE_OPTIONS, preload),
  [targetVariable]: where.target,
  ALIBABA_CLOUD_IMDS_ENDPOINT: where.metadataUrl,
  ALIYUN_IMDS_ADMIN_URL: where.adminUrl,
  ...(adminToken === undefined ? {} : { ALIYUN_IMDS_ADMIN_TOKEN: adminToken })
})

const spawnFailure = (error: ChildSpawnError): CliFailure => {
  const name = JSON.stringify(error.command)
  const message =
    error.reason === "not-found"
      ? `command not found: ${name}; check its name, or the PATH`
      : error.reason === "not-executable"
        ? `cannot run ${name}: permission denied`
        : `cannot run ${name}: ${error.detail}`
  return new CliFailure({ exitCode: error.exitCode, message })
}

/** With --verbose, what became of a signal (written at once: it arrives outside any Effect). */
const signalNote = (signal: string, forwarded: boolean) =>
  process.stderr.write(
    forwarded
      ? `aliyun-imds exec: passed ${signal} on to the command\n`
      : `aliyun-imds exec: ${signal} came from the terminal, which sent it to the command as well\n`
  )

export const exec = Command.make("exec", flags, (f) =>
  Effect.gen(function* () {
    const stdio = yield* Stdio.Stdio
    const [command, ...args] = yield* commandAfterDashes(yield* stdio.args, f.command)
    const preload = yield* preloadForRun
    const options = serverOptionsOf(f)
    const host = loopbackOf(options.host ?? "127.0.0.1")
    if (host === null) {
      return yield* usageError(
        `exec's emulator listens on loopback (CMD reaches it there), not on --host ${options.host}`
      )
    }
    const logLevel = serverLogLevel(yield* GlobalFlag.LogLevel, "silent")
    const server = yield* startEmulator({ ...options, logLevel })
    const where = execTarget(server, host)
    if (f.verbose) {
      yield* (yield* Output).note(
        `aliyun-imds exec: instance ${server.defaultInstanceId}, metadata ${where.metadataUrl} ` +
          `(100.100.100.200:80 goes there), admin ${where.adminUrl}`
      )
    }
    const env = execEnvironment(process.env, where, options.adminToken, preload.href)
    const exit = yield* runChild({ command, args, env }, f.verbose ? { onSignal: signalNote } : {}).pipe(
      Effect.mapError(spawnFailure)
    )
    // The emulator stops when this scope closes, before the exit code is passed on.
    if (exit.exitCode !== 0) return yield* new CliFailure({ exitCode: exit.exitCode, message: "" })
  }).pipe(Effect.scoped)
).pipe(
  Command.withDescription(
    "Run a Node program with an emulator of its own: its connections to 100.100.100.200:80 go to the emulator"
  ),
  Command.withExamples([
    { command: "aliyun-imds exec -- node app.mjs", description: "app.mjs reads metadata from its own emulator" },
    {
      command: "aliyun-imds exec --http-tokens required -- npm test",
      description: "Does the test suite still pass in forced hardened mode?"
    },
    { command: "aliyun-imds exec --verbose --config fleet.yaml -- node app.mjs", description: "A fleet; say where" }
  ])
)
