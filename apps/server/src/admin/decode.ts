// Request validation: JSON bodies and query strings decoded with Effect Schemas, unknown fields refused, and the
// first problem reported as an ECS-style error naming the field (`MissingParameter` / `InvalidParameter`).
import { formatFieldPath } from "@aliyun-imds/core"
import { Exit, Result, Schema, SchemaIssue } from "effect"
import { InvalidParameter, MissingParameter } from "./errors.ts"

export type RequestError = InvalidParameter | MissingParameter

const options = { onExcessProperty: "error" } as const
const formatter = SchemaIssue.makeFormatterStandardSchemaV1()

const lowerFirst = (s: string) => s.charAt(0).toLowerCase() + s.slice(1)

const fromIssue = (issue: SchemaIssue.Issue, whole: string): RequestError => {
  const first = formatter(issue).issues[0]
  const path = (first?.path ?? []).map((p) => (typeof p === "object" ? p.key : p))
  const field = path.length === 0 ? whole : formatFieldPath(path)
  const message = first?.message ?? "invalid"
  if (message === "Missing key") return new MissingParameter({ field })
  if (message === "Expected no excess property" || message.startsWith("Unexpected key")) {
    return new InvalidParameter({ field, message: "unknown field" })
  }
  return new InvalidParameter({ field, message: lowerFirst(message) })
}

/** Decodes `input` with `schema`, refusing unknown fields; `whole` names the input when the problem is at its root. */
export const decodeWith =
  <T>(schema: Schema.ConstraintDecoder<T>, whole: string) =>
  (input: unknown): Result.Result<T, RequestError> => {
    const exit = Schema.decodeUnknownExit(schema)(input, options)
    if (Exit.isSuccess(exit)) return Result.succeed(exit.value)
    const error = exit.cause.reasons.find((r) => r._tag === "Fail")
    return Result.fail(
      error !== undefined && Schema.isSchemaError(error.error)
        ? fromIssue(error.error.issue, whole)
        : new InvalidParameter({ field: whole, message: "could not be decoded" })
    )
  }

/** The request body as JSON: `undefined` when empty, a field-naming error when it is not JSON. */
export const parseJsonBody = (text: string): Result.Result<unknown, RequestError> => {
  if (text.trim() === "") return Result.succeed(undefined)
  try {
    return Result.succeed(JSON.parse(text))
  } catch (error) {
    return Result.fail(new InvalidParameter({ field: "(body)", message: `not JSON (${(error as Error).message})` }))
  }
}

/** Query parameters as a record; a repeated parameter is refused rather than silently picking one. */
export const queryRecord = (url: URL): Result.Result<Record<string, string>, RequestError> => {
  const out: Record<string, string> = {}
  for (const [key, value] of url.searchParams) {
    if (Object.hasOwn(out, key)) return Result.fail(new InvalidParameter({ field: key, message: "given twice" }))
    out[key] = value
  }
  return Result.succeed(out)
}
