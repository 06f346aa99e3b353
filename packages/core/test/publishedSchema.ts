// The published JSON Schema files (fleet.schema.json, state.schema.json) must be what the code generates: a test
// compares them, and `UPDATE_SCHEMA=1` rewrites them.
import { existsSync, readFileSync, writeFileSync } from "node:fs"
import { assert } from "@effect/vitest"

/** Asserts that the package's file `name` holds `schema`; with UPDATE_SCHEMA=1 it writes it first. */
export const assertPublishedSchema = (name: string, schema: unknown): void => {
  const file = new URL(`../${name}`, import.meta.url)
  const current = JSON.parse(JSON.stringify(schema))
  if (process.env.UPDATE_SCHEMA === "1") writeFileSync(file, `${JSON.stringify(current, null, 2)}\n`)
  assert.isTrue(existsSync(file), `${name} is missing: run the test with UPDATE_SCHEMA=1`)
  assert.deepStrictEqual(JSON.parse(readFileSync(file, "utf8")), current)
}
