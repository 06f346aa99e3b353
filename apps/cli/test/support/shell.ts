// Test support for the README runners: a scratch directory with `aliyun-imds` on PATH, where lines run through `sh`
// as a reader would type them, and the `serve` line runs on free ports for the other lines to find.
import { type ChildProcess, spawn } from "node:child_process"
import { mkdtempSync, rmSync, symlinkSync } from "node:fs"
import { tmpdir } from "node:os"
import { delimiter, dirname, join } from "node:path"
import { afterAll } from "vitest"
import { binPath, type CliResult, cleanEnv, type Served, served } from "./cli.ts"

export type Vars = Readonly<Record<string, string>>

export const collect = (child: ChildProcess): Promise<CliResult> =>
  new Promise((resolve) => {
    let stdout = ""
    let stderr = ""
    child.stdout?.setEncoding("utf8").on("data", (c: string) => (stdout += c))
    child.stderr?.setEncoding("utf8").on("data", (c: string) => (stderr += c))
    child.once("close", (code) => resolve({ code, stdout, stderr }))
  })

export interface Shell {
  readonly dir: string
  /** `sh -c line` in the scratch directory with `vars` set. */
  readonly sh: (line: string, vars: Vars) => ChildProcess
  readonly run: (line: string, vars: Vars) => Promise<CliResult>
  /**
   * The `serve` line itself (no shell in between, so its exit code is its own) on ports the OS picks, and the
   * variables that point the other commands at it.
   */
  readonly serve: (line: string) => Promise<{ readonly server: Served; readonly vars: Vars }>
}

/** A scratch directory (removed after the file's tests) with `aliyun-imds` linked into it and first on PATH. */
export const shellWithCli = (prefix: string): Shell => {
  const dir = mkdtempSync(join(tmpdir(), prefix))
  symlinkSync(binPath, join(dir, "aliyun-imds"))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))
  const env = (vars: Vars) =>
    cleanEnv({ ...vars, PATH: [dir, dirname(process.execPath), process.env.PATH ?? ""].join(delimiter) })
  const sh = (line: string, vars: Vars) =>
    spawn("sh", ["-c", line], { cwd: dir, env: env(vars), stdio: ["ignore", "pipe", "pipe"] })
  const serve = async (line: string) => {
    const [command, ...args] = line.split(/\s+/)
    const child = spawn(command!, args, {
      cwd: dir,
      env: env({ ALIYUN_IMDS_PORT: "0", ALIYUN_IMDS_ADMIN_PORT: "0" }),
      stdio: ["ignore", "pipe", "pipe"]
    })
    const server = await served(child)
    return { server, vars: { ALIBABA_CLOUD_IMDS_ENDPOINT: server.dataUrl, ALIYUN_IMDS_ADMIN_URL: server.adminUrl } }
  }
  return { dir, sh, run: (line, vars) => collect(sh(line, vars)), serve }
}

/** The lines to run of the README's `sh` block marked `<!-- marker: … -->`: no blank lines, no comment lines. */
export const readmeLines = (readme: string, marker: string): ReadonlyArray<string> => {
  const block = new RegExp(`<!-- ${marker}:[^>]*-->\\s*\`\`\`sh\\n([\\s\\S]*?)\`\`\``).exec(readme)?.[1] ?? ""
  return block.split("\n").filter((line) => line.trim() !== "" && !line.trimStart().startsWith("#"))
}
