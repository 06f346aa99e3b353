// `--state FILE` in a serving process: take the file's lock, load it (or, with `--state-reset`, move a bad one aside),
// and once the services are built, restore it onto them and save on every admin change, every few seconds (counters)
// and at shutdown. A file that cannot be used stops the start with one line naming the file, the problem and the way
// out; it is never overwritten.
import { existsSync } from "node:fs"
import { rename } from "node:fs/promises"
import {
  makeDurableState,
  type RuntimeDrop,
  restoreState,
  type StateDocument,
  type StateLoadError,
  type StateNotSaved,
  StateStore
} from "@aliyun-imds/core"
import { Cause, Effect, Exit, Option } from "effect"
import type { Logger } from "../Log.ts"
import type { CoreServices, Runtime } from "../Services.ts"
import { StartupError } from "../StartupError.ts"
import { removeStaleTemporaries, type StateFile, stateFile } from "./StateFile.ts"
import { acquireStateLock, type StateLock, StateLocked } from "./StateLock.ts"

/** Default seconds between saves of what the data plane changes (counters, counted fault rules). */
export const defaultStateFlushSeconds = 5

export interface Note {
  readonly level: "info" | "warn"
  readonly message: string
  readonly fields: Record<string, unknown>
}

export interface OpenedState {
  /** The path as the user gave it, for messages. */
  readonly shown: string
  readonly file: StateFile
  readonly document: StateDocument | null
  readonly lock: StateLock
  /** What happened on the way (a file moved aside, temporary files removed), logged once the logger exists. */
  readonly notes: ReadonlyArray<Note>
}

const way = "start with --state-reset to move it aside and start fresh"

/** What is wrong with the file, in a few words. */
const problemOf = (error: StateLoadError): string => {
  switch (error._tag) {
    case "StateUnreadable":
      return `cannot be read (${error.reason})`
    case "StateTooNew":
      return `was written by a newer aliyun-imds (state version ${error.version}; this one reads version ${error.supported})`
    case "StateInvalid":
      return `is corrupt (${error.path}: ${error.message})`
  }
}

/** The one line a start refused for `error` prints: the file, the problem and the way out. */
export const loadProblem = (shown: string, error: StateLoadError): string => {
  const fix = { StateUnreadable: "fix that, or ", StateTooNew: "run that version, or ", StateInvalid: "" }[error._tag]
  return `state file ${shown} ${problemOf(error)}; ${fix}${way} (as ${shown}.corrupt-<time>)`
}

const lockProblem = (shown: string, error: StateLocked): string =>
  `state file ${shown} is in use by another emulator (${error.owner === null ? "unknown process" : `pid ${error.owner.pid}`}` +
  `, lock file ${shown}.lock); stop that emulator, or give this one another --state file ` +
  "(if none is running, delete the lock file)"

/** `FILE.corrupt-20260102T030405Z`, or with `-2`, `-3`… when that exists. */
const asideName = (path: string): string => {
  const stamp = new Date()
    .toISOString()
    .replace(/\.\d+Z$/, "Z")
    .replace(/[-:]/g, "")
  let name = `${path}.corrupt-${stamp}`
  for (let n = 2; existsSync(name); n++) name = `${path}.corrupt-${stamp}-${n}`
  return name
}

/** Takes the lock and loads the file; with `reset`, a file that cannot be loaded is moved aside instead of refused. */
export const openState = async (path: string, shown: string, reset: boolean): Promise<OpenedState> => {
  const lock = await acquireStateLock(path).catch((e: unknown) => {
    if (e instanceof StateLocked) throw new StartupError(lockProblem(shown, e))
    throw new StartupError(`cannot lock state file ${shown}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`)
  })
  const notes: Array<Note> = []
  try {
    const removed = await removeStaleTemporaries(path)
    if (removed.length > 0) {
      notes.push({ level: "info", message: "removed temporary state files a crash left", fields: { files: removed } })
    }
    const file = stateFile(path)
    const loaded = await Effect.runPromiseExit(file.load)
    if (Exit.isSuccess(loaded)) return { shown, file, document: loaded.value, lock, notes }
    const found = Cause.findErrorOption(loaded.cause)
    if (Option.isNone(found)) throw new StartupError(`cannot read state file ${shown}: ${String(loaded.cause)}`)
    const error = found.value
    if (!reset) throw new StartupError(loadProblem(shown, error))
    const aside = asideName(path)
    await rename(path, aside).catch((e: NodeJS.ErrnoException) => {
      throw new StartupError(`cannot move state file ${shown} aside: ${e.code ?? e.message}`)
    })
    notes.push({
      level: "warn",
      message: "moved the state file aside (--state-reset) and started fresh",
      fields: { file: shown, movedTo: aside, problem: problemOf(error) }
    })
    return { shown, file: stateFile(path), document: null, lock, notes }
  } catch (e) {
    await lock.release()
    throw e
  }
}

const dropFields = (drop: RuntimeDrop) => ({ entry: drop.entry, instanceId: drop.instanceId, reason: drop.reason })

export interface ServingState {
  /** Saves what changed; an admin change is acknowledged only once this succeeds. */
  readonly save: Effect.Effect<void, StateNotSaved>
  /** Stops the periodic saves, saves a last time and releases the lock. */
  readonly close: () => Promise<void>
}

/**
 * Restores the opened state onto the built services (logging every entry dropped because it no longer applies),
 * saves once (creating the file), then saves every `flushSeconds`.
 */
export const serveState = async (
  opened: OpenedState,
  runtime: Runtime,
  services: CoreServices,
  log: Logger,
  flushSeconds: number
): Promise<ServingState> => {
  for (const note of opened.notes) log.log(note.level, note.message, note.fields)
  const drops = opened.document === null ? [] : await runtime.runPromise(restoreState(opened.document))
  for (const drop of drops) log.log("warn", "state entry dropped: it no longer applies", dropFields(drop))
  const durable = await runtime.runPromise(
    Effect.provideService(makeDurableState, StateStore, StateStore.of(opened.file))
  )
  const saveOrLog = async (when: string) => {
    const exit = await runtime.runPromiseExit(durable.save)
    if (Exit.isFailure(exit))
      log.log("error", `state not saved (${when})`, { file: opened.shown, cause: String(exit.cause) })
    return exit
  }
  const first = await saveOrLog("start")
  if (Exit.isFailure(first)) {
    await opened.lock.release()
    const reason = Option.match(Cause.findErrorOption(first.cause), {
      onNone: () => String(first.cause),
      onSome: (e) => (e as StateNotSaved).reason
    })
    throw new StartupError(`cannot write state file ${opened.shown}: ${reason}`)
  }
  log.log("info", "state", {
    file: opened.shown,
    restored: opened.document !== null,
    dropped: drops.length,
    flushSeconds,
    instances: (await runtime.runPromise(services.fleet.list)).length
  })
  const timer = setInterval(() => void saveOrLog("periodic"), flushSeconds * 1000)
  timer.unref()
  let closing: Promise<void> | null = null
  return {
    save: durable.save,
    close: () => {
      closing ??= (async () => {
        clearInterval(timer)
        await saveOrLog("shutdown")
        await opened.lock.release()
      })()
      return closing
    }
  }
}
