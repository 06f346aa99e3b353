// What the sandbox's two halves say to each other over the inherited socket (fd 3), one JSON object a line: the
// outside (the `sandbox`/`check` command) and the inside (inner.ts, the namespace's first process). When the outside
// goes away, the socket closes and the inside ends everything it started.
import type { ServerOptions } from "@aliyun-imds/server"

/** What the inside is started with (as JSON in its one argument). */
export interface InnerConfig {
  readonly options: ServerOptions
  /** The Unix socket the admin API listens on, reachable from outside the namespace. */
  readonly adminSocket: string
  /** A directory the inside removes when it ends (the outside made it for the socket), or null. */
  readonly removeDir: string | null
  /** The `ip` binary (iproute2) that sets up the namespace's loopback. */
  readonly ip: string
  readonly command: string
  readonly args: ReadonlyArray<string>
}

export type InnerMessage =
  | { readonly type: "ready"; readonly dataUrl: string; readonly adminUrl: string; readonly instanceId: string }
  /** The emulator did not start (nothing was run); `kind` picks the hint the outside gives. */
  | { readonly type: "failed"; readonly kind: "network" | "emulator"; readonly message: string }
  /** The command ended; `code` is what a shell would report (128 + n for a signal, 127 not found, 126 not runnable). */
  | { readonly type: "exited"; readonly code: number; readonly detail: string | null }

export type OuterMessage =
  /** Pass a signal on to the command. */
  | { readonly type: "signal"; readonly signal: NodeJS.Signals }
  /** The outside has read what it wanted (e.g. `check`'s audit): stop the emulator and end. */
  | { readonly type: "finish" }

/** Calls `onMessage` for each complete JSON line read from `stream`; malformed lines are skipped. */
export const readMessages = <M>(stream: NodeJS.ReadableStream, onMessage: (message: M) => void): void => {
  let buffered = ""
  stream.setEncoding("utf8")
  stream.on("data", (chunk: string) => {
    buffered += chunk
    for (let end = buffered.indexOf("\n"); end !== -1; end = buffered.indexOf("\n")) {
      const line = buffered.slice(0, end)
      buffered = buffered.slice(end + 1)
      try {
        onMessage(JSON.parse(line) as M)
      } catch {
        // not a message: ignore
      }
    }
  })
}

export const encodeMessage = (message: InnerMessage | OuterMessage): string => `${JSON.stringify(message)}\n`
