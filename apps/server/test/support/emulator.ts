// An emulator on a real loopback socket inside the test process (startServer, Node listener), with the admin-side
// views tests compare clients against: metadata options, the journal and the core's credential for the role.
import {
  credentialsAt,
  defaultFleet,
  type FleetConfig,
  type Instance,
  type JournalEntry,
  type JournalQuery,
  type RamCredential
} from "@aliyun-imds/core"
import type { Effect } from "effect"
import { type RunningServer, startServer } from "../../src/startServer.ts"

export interface Emulator {
  readonly server: RunningServer
  readonly instance: () => Instance
  readonly run: <A, E>(effect: Effect.Effect<A, E, never>) => Promise<A>
  readonly setMetadataOptions: (options: { HttpTokens?: string; HttpEndpoint?: string }) => Promise<void>
  readonly journal: (query?: JournalQuery) => Promise<ReadonlyArray<JournalEntry>>
  readonly clearJournal: () => Promise<void>
  /** The credential the core serves for the default instance's role at the emulator's current virtual time. */
  readonly expectedCredential: () => RamCredential
  readonly stop: () => Promise<void>
}

export const startEmulator = async (fleet: FleetConfig = defaultFleet("third-party-clients")): Promise<Emulator> => {
  const server = await startServer({ fleet, logLevel: "silent" })
  const { services } = server
  const id = server.defaultInstanceId
  const run = <A, E>(effect: Effect.Effect<A, E, never>) => server.effectRuntime.runPromise(effect)
  const state = () => {
    const found = services.fleet.getUnsafe(id)
    if (found === undefined) throw new Error(`instance ${id} is gone`)
    return found
  }
  return {
    server,
    instance: () => state().instance,
    run,
    setMetadataOptions: async (options) => {
      await run(services.fleet.modifyMetadataOptions({ InstanceId: id, ...options }))
    },
    journal: (query = {}) => run(services.journal.query({ limit: 1000, ...query })),
    clearJournal: () => run(services.journal.clear),
    expectedCredential: () => {
      const { role } = state()
      if (role === null) throw new Error(`instance ${id} has no RAM role`)
      return credentialsAt(
        { role, instanceId: id, secret: services.fleet.credentialSecret },
        services.clock.nowUnsafe()
      )
    },
    stop: () => server.stop()
  }
}

/** `METHOD path` of each journal entry, oldest first: the request sequence a client produced. */
export const sequenceOf = (entries: ReadonlyArray<JournalEntry>): ReadonlyArray<string> =>
  entries.map((e) => `${e.method} ${e.path}`)
