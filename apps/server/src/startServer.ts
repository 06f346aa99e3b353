// Embeddable emulator: builds the core services, starts the metadata and admin listeners on Node or Bun, and
// returns their URLs and a graceful `stop()`. Port 0 picks free ports, so tests can run many servers at once.
import { resolve } from "node:path"
import type { AccessKey, FleetConfig } from "@aliyun-imds/core"
import { makeAdminApp } from "./admin/AdminPlane.ts"
import { connectionLimitsOf } from "./ConnectionLimits.ts"
import { Holds } from "./data/Holds.ts"
import { makePipeline } from "./data/Pipeline.ts"
import { makeEcsHandler } from "./ecs/EcsApp.ts"
import { fleetSource, logBindingWarnings } from "./FleetSource.ts"
import { readIdentityFile, writeIdentityFile } from "./IdentityFile.ts"
import { makeLogger } from "./Log.ts"
import { readConsoleFiles } from "./platform/consoleFiles.ts"
import { bunListeners, isBun } from "./platform/listenBun.ts"
import { nodeListeners } from "./platform/listenNode.ts"
import { isLoopback } from "./platform/loopback.ts"
import { defaultBehaviour, type ServerOptions } from "./ServerOptions.ts"
import { buildServices, type CoreServices, type Runtime } from "./Services.ts"
import { StartupError } from "./StartupError.ts"
import { defaultStateFlushSeconds, type OpenedState, openState, serveState } from "./state/ServerState.ts"

export { StartupError }

export interface RunningServer {
  readonly runtime: "node" | "bun"
  /** `http://host:port`, or `unix:PATH` on a Unix socket. */
  readonly dataUrl: string
  readonly adminUrl: string
  readonly host: string
  readonly port: number
  /** The metadata listener's Unix socket path, when it has one (then `port` is 0). */
  readonly socket: string | null
  /** The admin listener's address, or its socket path when it listens on a Unix socket. */
  readonly adminHost: string
  /** 0 on a Unix socket. */
  readonly adminPort: number
  /** The admin listener's Unix socket path, when it has one. */
  readonly adminSocket: string | null
  readonly defaultInstanceId: string
  /** The ECS API listener's URL, null when it is off (`noEcs`). */
  readonly ecsUrl: string | null
  /** The AccessKey pairs the ECS API accepts (the fleet file's, or the generated one). */
  readonly ecsAccessKeys: ReadonlyArray<AccessKey>
  readonly services: CoreServices
  readonly effectRuntime: Runtime
  /** Stops both listeners (in-flight requests finish, held ones are released) and disposes the services. */
  readonly stop: () => Promise<void>
}

/**
 * The core services, signing identity documents with (first found): the `identity` option, the `--identity` file,
 * the state file's, or new material (written to the `--identity` file when it names one that does not exist yet).
 */
const startServices = async (options: ServerOptions, fleet: FleetConfig, opened: OpenedState | null) => {
  const persisted = options.identityPath === undefined ? undefined : await readIdentityFile(options.identityPath)
  const identity = options.identity ?? persisted ?? opened?.document?.identity ?? undefined
  const built = await buildServices({ fleet, identity }).catch((e: unknown) => {
    throw new StartupError(`cannot load the identity material: ${e instanceof Error ? e.message : String(e)}`)
  })
  if (options.identityPath !== undefined && persisted === undefined && options.identity === undefined) {
    await writeIdentityFile(options.identityPath, await built.runtime.runPromise(built.services.identity.exportPem))
  }
  return built
}

export const startServer = async (options: ServerOptions = {}): Promise<RunningServer> => {
  const host = options.host ?? "127.0.0.1"
  const adminHost = options.adminHost ?? "127.0.0.1"
  const token = options.adminToken ?? null
  if (options.adminSocket === undefined && !isLoopback(adminHost) && token === null) {
    throw new StartupError(`the admin listener on ${adminHost} is not loopback-only: give it an admin token`)
  }
  const limited = connectionLimitsOf(options)
  if ("problem" in limited) throw new StartupError(limited.problem)
  const { limits } = limited
  const source = fleetSource(options)
  const fleet = await source.load()
  const flushSeconds = options.stateFlushSeconds ?? defaultStateFlushSeconds
  if (!(flushSeconds > 0 && Number.isFinite(flushSeconds))) {
    throw new StartupError(`the state flush interval must be a positive number of seconds (got ${flushSeconds})`)
  }
  const opened: OpenedState | null =
    options.statePath === undefined
      ? null
      : await openState(resolve(options.statePath), options.statePath, options.stateReset === true)
  const built = await startServices(options, fleet, opened).catch(async (e: unknown) => {
    await opened?.lock.release()
    throw e
  })
  const { runtime, services } = built
  const sink = options.logSink ?? ((line: string) => process.stderr.write(`${line}\n`))
  const log = makeLogger(options.logLevel ?? "info", sink, services.clock.nowUnsafe, {
    ...(options.logFormat === undefined ? {} : { format: options.logFormat })
  })
  logBindingWarnings(log, fleet)
  const state =
    opened === null
      ? null
      : await serveState(opened, runtime, services, log, flushSeconds).catch(async (e: unknown) => {
          await opened.lock.release()
          await runtime.dispose()
          throw e
        })
  const listeners = isBun() ? bunListeners : nodeListeners
  const holds = new Holds()
  const behaviour = { ...defaultBehaviour, ...options.behaviour }
  const pipeline = makePipeline({
    services,
    behaviour,
    log,
    holds,
    ...(options.attribute === undefined ? {} : { attribute: options.attribute }),
    ...(options.tokenGet === undefined ? {} : { tokenGet: options.tokenGet })
  })
  let dataUrl = ""
  let ecsUrl: string | null = null
  const admin = makeAdminApp({
    runtime,
    services,
    source,
    log,
    ...(state === null ? {} : { saveState: state.save }),
    token,
    platformName: listeners.name,
    dataUrl: () => dataUrl,
    ecsUrl: () => ecsUrl,
    consoleFiles: await readConsoleFiles(options.consoleDir),
    bodyLimitBytes: limited.adminBodyLimitBytes
  })
  const dataBind = options.socket === undefined ? { host, port: options.port ?? 0 } : { socket: options.socket }
  const dataListener = await listeners.data(pipeline, dataBind, limits).catch(async (e: Error) => {
    await state?.close()
    void runtime.dispose()
    const where = "socket" in dataBind ? dataBind.socket : `${host}:${dataBind.port}`
    throw new StartupError(`cannot listen on ${where}: ${e.message}`)
  })
  dataUrl = dataListener.url
  const adminBind =
    options.adminSocket === undefined
      ? { host: adminHost, port: options.adminPort ?? 0 }
      : { socket: options.adminSocket }
  const adminListener = await listeners.fetch(admin.fetch, adminBind, limits).catch(async (e: Error) => {
    await dataListener.close()
    await state?.close()
    void runtime.dispose()
    const where = "socket" in adminBind ? adminBind.socket : `${adminHost}:${adminBind.port}`
    throw new StartupError(`cannot listen on ${where}: ${e.message}`)
  })
  const adminUrl = adminListener.url
  const ecsHost = options.ecsHost ?? "127.0.0.1"
  const ecsListener =
    options.noEcs === true
      ? null
      : await listeners
          .fetch(
            makeEcsHandler({ runtime, services, log, ...(state === null ? {} : { saveState: state.save }) }),
            {
              host: ecsHost,
              port: options.ecsPort ?? 0
            },
            limits
          )
          .catch(async (e: Error) => {
            await Promise.all([dataListener.close(), adminListener.close()])
            await state?.close()
            void runtime.dispose()
            throw new StartupError(`cannot listen on ${ecsHost}:${options.ecsPort ?? 0}: ${e.message}`)
          })
  ecsUrl = ecsListener?.url ?? null
  log.log("info", "listening", { runtime: listeners.name, dataUrl, adminUrl, ecsUrl, fleet: source.describe })
  let stopping: Promise<void> | null = null
  const stop = () => {
    stopping ??= (async () => {
      log.log("info", "stopping")
      const closed = Promise.all([dataListener.close(), adminListener.close(), ecsListener?.close()])
      holds.releaseAll()
      await closed
      await state?.close()
      await runtime.dispose()
      log.log("info", "stopped")
    })()
    return stopping
  }
  return {
    runtime: listeners.name,
    dataUrl,
    adminUrl,
    host,
    port: dataListener.port,
    socket: options.socket ?? null,
    adminHost: adminListener.host,
    adminPort: adminListener.port,
    adminSocket: options.adminSocket ?? null,
    defaultInstanceId: fleet.defaultInstanceId,
    ecsUrl,
    ecsAccessKeys: fleet.account.accessKeys,
    services,
    effectRuntime: runtime,
    stop
  }
}
