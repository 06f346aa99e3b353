// Property tests with fast-check, reproducible by default: every property runs from one seed (FC_SEED, or a fixed
// default), a bounded number of times (its own count, times FC_SCALE) and for a bounded time; a failure names the seed
// and the counterexample's path, and replaying them (FC_SEED=… FC_PATH=… with `-t` naming the test) reruns exactly it.
import fc from "fast-check"

/** The seed every property uses unless FC_SEED names another (any 32-bit integer). */
export const defaultPropertySeed = 20_260_411

const integerFrom = (name: string, raw: string | undefined, fallback: number): number => {
  if (raw === undefined || raw.trim() === "") return fallback
  const n = Number(raw)
  if (!Number.isSafeInteger(n)) throw new Error(`${name} must be an integer, got ${JSON.stringify(raw)}`)
  return n
}

/** FC_SEED, or the default. */
export const propertySeed = (): number => integerFrom("FC_SEED", process.env.FC_SEED, defaultPropertySeed) | 0

/** FC_SCALE multiplies every property's run count (e.g. 20 for a long local search); 1 by default. */
const scale = (): number => Math.max(1, integerFrom("FC_SCALE", process.env.FC_SCALE, 1))

export interface PropertyRuns {
  /** Generated cases, before FC_SCALE. */
  readonly runs: number
  /** Stop generating after this long (a passing run that was cut short says how far it got); default 10 s. */
  readonly timeLimitMs?: number
}

/** Under mutation testing (StrykerJS instruments the code with this global) a failure only has to be seen, not shrunk. */
const underMutation = (): boolean => "__stryker__" in globalThis

const parameters = <Ts>(options: PropertyRuns): fc.Parameters<Ts> => {
  const path = process.env.FC_PATH
  return {
    seed: propertySeed(),
    numRuns: options.runs * scale(),
    interruptAfterTimeLimit: (options.timeLimitMs ?? 10_000) * scale(),
    ...(underMutation() ? { endOnFailure: true } : {}),
    ...(path === undefined || path === "" ? {} : { path, endOnFailure: true })
  }
}

/** Throws fast-check's own report (seed, path, counterexample, the property's error) with a line to replay it. */
const report = <Ts>(details: fc.RunDetails<Ts>): void => {
  if (details.interrupted && !details.failed) {
    console.warn(`property cut short by its time limit after ${details.numRuns} runs (seed ${details.seed})`)
  }
  if (!details.failed) return
  const replay = `replay: FC_SEED=${details.seed} FC_PATH=${details.counterexamplePath ?? ""} (with -t naming this test)`
  throw new Error(`${fc.defaultReportMessage(details)}\n${replay}`, { cause: details.errorInstance })
}

/** Checks a synchronous property. */
export const checkProperty = <Ts>(property: fc.IPropertyWithHooks<Ts>, options: PropertyRuns): void => {
  report(fc.check(property, parameters<Ts>(options)) as fc.RunDetails<Ts>)
}

/** Checks an asynchronous property. */
export const checkAsyncProperty = async <Ts>(
  property: fc.IAsyncPropertyWithHooks<Ts>,
  options: PropertyRuns
): Promise<void> => {
  report(await fc.check(property, parameters<Ts>(options)))
}
