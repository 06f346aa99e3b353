// The sandbox's outside: creates the namespace (Namespace.ts) with the inside (inner.ts) as its first process, talks
// to it over an inherited socket (Protocol.ts), passes signals on, and hands back how the command ended. Stdin,
// stdout and stderr are the command's own. Used by `sandbox` and `check`.
import { type ChildProcess, spawn } from "node:child_process"
import { mkdtempSync, rmSync } from "node:fs"
import type { Socket } from "node:net"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import type { ServerOptions } from "@aliyun-imds/server"
import { forwardedSignals, inTerminalForeground, shouldForward } from "../ChildProcess.ts"
import { sandboxInnerMarker, selfCommand } from "../SingleFile.ts"
import { type NamespacePlan, planNamespace } from "./Namespace.ts"
import { encodeMessage, type InnerConfig, type InnerMessage, type OuterMessage, readMessages } from "./Protocol.ts"

export interface SandboxRequest {
  readonly options: ServerOptions
  readonly command: string
  readonly args: ReadonlyArray<string>
  /** Where the admin API listens; a fresh private directory under the temp dir by default. */
  readonly adminSocket?: string | undefined
}

export interface SandboxReady {
  readonly kind: NamespacePlan["kind"]
  readonly dataUrl: string
  readonly adminUrl: string
  readonly adminSocket: string
  readonly instanceId: string
}

export interface CommandEnded {
  /** As a shell reports it: the exit status, 128 + n for signal n, 127 not found, 126 not runnable. */
  readonly code: number
  readonly detail: string | null
}

/** The sandbox could not start the command: no namespace, no network set-up, or no emulator. */
export class SandboxFailed extends Error {
  override readonly name = "SandboxFailed"
  readonly kind: "namespace" | "network" | "emulator"
  constructor(kind: SandboxFailed["kind"], message: string) {
    super(message)
    this.kind = kind
  }
}

export interface SandboxRun {
  /** Resolves once the emulator serves and the command started; rejects with SandboxFailed. */
  readonly ready: Promise<SandboxReady>
  /** Resolves when the command ended; the emulator still serves (read the admin API now, then `finish`). */
  readonly ended: Promise<CommandEnded>
  /** Stops the emulator and waits until nothing of the sandbox is left. */
  readonly finish: () => Promise<void>
  /** Passes a signal on to the command. */
  readonly signal: (signal: NodeJS.Signals) => void
}

const innerScript = (): string => {
  const extension = import.meta.url.endsWith(".ts") ? "ts" : "js"
  return fileURLToPath(new URL(`./inner.${extension}`, import.meta.url))
}

/** Starts the sandbox; throws SandboxUnavailable when this machine cannot make one. */
export const startSandbox = (request: SandboxRequest): SandboxRun => {
  const plan = planNamespace()
  const ownDir = request.adminSocket === undefined ? mkdtempSync(join(tmpdir(), "aliyun-imds-sandbox-")) : null
  const adminSocket = request.adminSocket ?? join(ownDir ?? "", "admin.sock")
  const config: InnerConfig = {
    options: request.options,
    adminSocket,
    removeDir: ownDir,
    ip: plan.ip,
    command: request.command,
    args: request.args
  }
  const [unshare = "unshare", ...unshareArgs] = plan.unshare
  const child: ChildProcess = spawn(
    unshare,
    [...unshareArgs, ...selfCommand(innerScript(), sandboxInnerMarker), JSON.stringify(config)],
    { stdio: ["inherit", "inherit", "inherit", "pipe"] }
  )
  const control = child.stdio[3] as Socket
  const send = (message: OuterMessage) => {
    if (control.writable) control.write(encodeMessage(message))
  }
  const gone = new Promise<number | null>((resolve) => child.once("close", (code) => resolve(code)))
  child.once("error", () => undefined)

  // A terminal's Ctrl-C or hang-up reached the command already (same process group); anything else is passed on.
  const forward = (signal: (typeof forwardedSignals)[number]) => () => {
    if (shouldForward(signal, inTerminalForeground())) send({ type: "signal", signal })
  }
  const handlers = forwardedSignals.map((s) => [s, forward(s)] as const)
  for (const [signal, handler] of handlers) process.on(signal, handler)
  const cleanUp = () => {
    for (const [signal, handler] of handlers) process.off(signal, handler)
    if (ownDir !== null) rmSync(ownDir, { recursive: true, force: true })
  }

  let onReady: (ready: SandboxReady) => void = () => undefined
  let onEnded: (ended: CommandEnded) => void = () => undefined
  let onFailure: (error: SandboxFailed) => void = () => undefined
  const ready = new Promise<SandboxReady>((resolve, reject) => {
    onReady = resolve
    onFailure = reject
  })
  const ended = new Promise<CommandEnded>((resolve, reject) => {
    onEnded = resolve
    void ready.catch(reject)
  })
  // Unhandled rejections of the second promise are the first's; callers await `ready` first.
  ended.catch(() => undefined)

  readMessages<InnerMessage>(control, (message) => {
    if (message.type === "ready") {
      onReady({
        kind: plan.kind,
        dataUrl: message.dataUrl,
        adminUrl: message.adminUrl,
        adminSocket,
        instanceId: message.instanceId
      })
    } else if (message.type === "failed") {
      onFailure(new SandboxFailed(message.kind, message.message))
    } else {
      onEnded({ code: message.code, detail: message.detail })
    }
  })
  void gone.then((code) => {
    cleanUp()
    onFailure(
      new SandboxFailed(
        "namespace",
        `could not create the sandbox's ${plan.kind === "root" ? "network" : "user and network"} namespace ` +
          `(unshare exited ${code ?? "by a signal"})`
      )
    )
    onEnded({ code: code ?? 1, detail: "the sandbox ended before the command did" })
  })

  return {
    ready,
    ended,
    signal: (signal) => send({ type: "signal", signal }),
    finish: async () => {
      send({ type: "finish" })
      control.end()
      await gone
    }
  }
}
