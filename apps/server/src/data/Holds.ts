// Requests the data plane deliberately keeps waiting (injected latency, black holes). Each wait ends early when the
// client goes away or the server stops, so shutdown never hangs on them and nothing leaks.
export class Holds {
  private readonly pending = new Set<() => void>()

  /** Resolves after `ms`, or earlier on abort or `releaseAll`; true when the full time elapsed. */
  wait(ms: number, signal: AbortSignal): Promise<boolean> {
    return new Promise((resolve) => {
      if (signal.aborted) return resolve(false)
      const done = (elapsed: boolean) => {
        clearTimeout(timer)
        signal.removeEventListener("abort", onAbort)
        this.pending.delete(release)
        resolve(elapsed)
      }
      const release = () => done(false)
      const onAbort = () => done(false)
      const timer = setTimeout(() => done(true), ms)
      signal.addEventListener("abort", onAbort, { once: true })
      this.pending.add(release)
    })
  }

  get size(): number {
    return this.pending.size
  }

  releaseAll(): void {
    for (const release of [...this.pending]) release()
  }
}
