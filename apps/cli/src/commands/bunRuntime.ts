// `serve --runtime bun`: run this same command line again under the Bun binary of the npm `bun` package, passing
// signals through, so the emulator listens through Bun.serve while the CLI's output stays the same.
import { spawn } from "node:child_process"
import { existsSync, readFileSync } from "node:fs"
import { createRequire } from "node:module"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"
import { Effect } from "effect"
import { type CliFailure, ExitCode, fail } from "../ExitCodes.ts"

export const isBun = (): boolean => "Bun" in globalThis

/** Places to resolve `bun` from: this package, then the server package (which has it for its own tests). */
const resolutionBases = (): ReadonlyArray<string> => {
  const bases = [fileURLToPath(import.meta.url)]
  try {
    bases.push(fileURLToPath(import.meta.resolve("@aliyun-imds/server")))
  } catch {
    // not resolvable: only this package is searched
  }
  return bases
}

/** The Bun executable inside the npm `bun` package (not `.bin/bun`, a shim that would swallow signals). */
export const findBun = (): string | null => {
  for (const base of resolutionBases()) {
    try {
      const manifest = createRequire(base).resolve("bun/package.json")
      const { bin } = JSON.parse(readFileSync(manifest, "utf8")) as { bin?: { bun?: string } }
      const binary = join(dirname(manifest), bin?.bun ?? "bin/bun.exe")
      if (existsSync(binary)) return binary
    } catch {
      // try the next base
    }
  }
  return null
}

/** Runs `script args` under Bun with inherited stdio; fails with Bun's exit code unless it is 0. */
export const reexecUnderBun = (script: string, args: ReadonlyArray<string>) =>
  Effect.gen(function* () {
    const bun = findBun()
    if (bun === null) {
      return yield* fail(
        ExitCode.runtime,
        "--runtime bun needs the npm package 'bun' (not found from @aliyun-imds/cli or @aliyun-imds/server): " +
          "install it with 'npm i -D bun', or use --runtime node"
      )
    }
    const code = yield* Effect.callback<number, CliFailure>((resume) => {
      const child = spawn(bun, [script, ...args], { stdio: "inherit" })
      child.once("error", (e) => resume(Effect.fail(fail(ExitCode.runtime, `cannot start ${bun}: ${e.message}`))))
      child.once("exit", (status, signal) => {
        resume(Effect.succeed(status ?? (signal === "SIGINT" || signal === "SIGTERM" ? 0 : 1)))
      })
      // Interrupted (Ctrl-C or SIGTERM reached this process): stop Bun the same way and wait for it.
      return Effect.callback<void>((done) => {
        if (child.exitCode !== null || child.signalCode !== null) return done(Effect.void)
        child.once("exit", () => done(Effect.void))
        child.kill("SIGTERM")
      })
    })
    // Bun already printed whatever went wrong; only its exit code is passed on.
    if (code !== 0) return yield* fail(code as ExitCode, "")
  })
