// A Python client as a real, separate process: `python3 -c SCRIPT`, run to its exit (an event, not a wait), with its
// pid for tests that check which process the emulator says made a request.
import { spawn } from "node:child_process"

export interface PythonRun {
  readonly pid: number
  readonly code: number | null
  readonly stdout: string
  readonly stderr: string
}

export const runPython = (script: string): Promise<PythonRun> =>
  new Promise((resolve, reject) => {
    const child = spawn("python3", ["-c", script], { stdio: ["ignore", "pipe", "pipe"] })
    let stdout = ""
    let stderr = ""
    child.stdout.setEncoding("utf8").on("data", (c: string) => (stdout += c))
    child.stderr.setEncoding("utf8").on("data", (c: string) => (stderr += c))
    child.once("error", reject)
    child.once("close", (code) => resolve({ pid: child.pid ?? -1, code, stdout, stderr }))
  })

/** A script printing the body of a token-less GET of `url` (urllib, as many scripts on ECS do). */
export const urllibGet = (url: string): string =>
  `import urllib.request; print(urllib.request.urlopen(${JSON.stringify(url)}).read().decode(), end="")`
