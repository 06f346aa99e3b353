// Second-precision UTC timestamps as the metadata service prints them (`2026-04-11T00:15:30Z`): Java and Python
// clients parse exactly this layout and reject fractions, so milliseconds are dropped (rounded down), never printed.

/** `YYYY-MM-DDTHH:MM:SSZ` for an epoch-ms instant. */
export const utcSeconds = (epochMs: number): string => `${new Date(epochMs).toISOString().slice(0, 19)}Z`
