// How admin requests name time: durations ("6h", "90s", "1h30m", "500ms", "6 hours", or milliseconds) and instants
// (an ISO 8601 time or epoch milliseconds), as Schemas so a bad value is refused naming its field.
import { Duration, Option, Schema } from "effect"

const unitMs: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }
const compact = /^(?:\d+(?:\.\d+)?(?:ms|s|m|h|d))+$/
const part = /(\d+(?:\.\d+)?)(ms|s|m|h|d)/g

/** Milliseconds of a duration text, or null when it is not one (negative durations are refused). */
export const parseDuration = (input: string | number): number | null => {
  if (typeof input === "number") return Number.isFinite(input) && input >= 0 ? input : null
  const text = input.trim()
  if (/^\d+(?:\.\d+)?$/.test(text)) return Number(text)
  if (compact.test(text)) {
    let total = 0
    for (const [, amount, unit] of text.matchAll(part)) total += Number(amount) * unitMs[unit!]!
    return total
  }
  // Effect's own spellings ("6 hours", "90 seconds"); a number-like text was handled above.
  const parsed = Duration.fromInput(text as Duration.Input)
  return Option.isSome(parsed) && Duration.isFinite(parsed.value) ? Duration.toMillis(parsed.value) : null
}

/** Epoch ms of an instant (ISO 8601 with a date, UTC unless it names a zone; or epoch ms), or null. */
export const parseInstant = (input: string | number): number | null => {
  if (typeof input === "number") return Number.isFinite(input) && input >= 0 ? input : null
  const text = input.trim()
  if (/^\d+$/.test(text)) return Number(text)
  if (!/^\d{4}-\d\d-\d\d/.test(text)) return null
  // A time without a zone is read as UTC, never as the server's local time.
  const ms = Date.parse(/T[\d:.]+$/.test(text) ? `${text}Z` : text)
  return Number.isNaN(ms) ? null : ms
}

const checked = (expected: string, parse: (s: string) => number | null) =>
  Schema.String.check(Schema.makeFilter((s: string) => parse(s) !== null, { expected }))

const nonNegative = Schema.Finite.check(Schema.isGreaterThanOrEqualTo(0))

/** A duration: "6h", "90s", "1h30m", "250ms", "2d", "6 hours", or a number of milliseconds. */
export const DurationInput = Schema.Union([
  nonNegative,
  checked('a duration such as "6h", "90s", "1h30m", "500ms" or milliseconds', parseDuration)
]).annotate({ description: 'A duration: "6h", "90s", "1h30m", "500ms", "6 hours", or milliseconds.' })

/** An instant: an ISO 8601 time ("2030-01-01T00:00:00Z") or epoch milliseconds. */
export const InstantInput = Schema.Union([
  nonNegative,
  checked('an ISO 8601 time such as "2030-01-01T00:00:00Z" or epoch milliseconds', parseInstant)
]).annotate({ description: 'An ISO 8601 time ("2030-01-01T00:00:00Z") or epoch milliseconds.' })

/** The same instant as a query parameter (always text). */
export const InstantText = checked(
  'an ISO 8601 time such as "2030-01-01T00:00:00Z" or epoch milliseconds',
  parseInstant
).annotate({ description: "An ISO 8601 time or epoch milliseconds." })

/** Only called on values the schemas above accepted. */
export const durationMs = (input: string | number): number => parseDuration(input) ?? 0
export const instantMs = (input: string | number): number => parseInstant(input) ?? 0

export const isoTime = (epochMs: number): string => new Date(epochMs).toISOString()
