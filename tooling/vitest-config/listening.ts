// A `serve` process started by a test, once it listens: the metadata and admin URLs of its JSON "listening" log line.
import type { ChildProcess } from "node:child_process"

export const listening = (child: ChildProcess): Promise<{ dataUrl: string; adminUrl: string }> =>
  new Promise((resolve, reject) => {
    let seen = ""
    child.stderr?.setEncoding("utf8").on("data", (chunk: string) => {
      seen += chunk
      const dataUrl = /"dataUrl":"([^"]+)"/.exec(seen)?.[1]
      const adminUrl = /"adminUrl":"([^"]+)"/.exec(seen)?.[1]
      if (dataUrl !== undefined && adminUrl !== undefined) resolve({ dataUrl, adminUrl })
    })
    child.once("exit", (code) => reject(new Error(`serve exited with ${code}:\n${seen}`)))
  })
