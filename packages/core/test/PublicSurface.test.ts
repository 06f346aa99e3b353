// The package's index.ts names its exports one by one, so the surface can be read in one place; this keeps that list
// equal to the union of the concept faces (each folder's index.ts) and the two top-level modules, so neither drifts.
import { readdirSync } from "node:fs"
import { assert, describe, it } from "vitest"
import * as root from "../src/index.ts"

const srcDir = new URL("../src/", import.meta.url)
const faces = readdirSync(srcDir, { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => `./${entry.name}/index.ts`)

describe("the core's public surface", () => {
  it("is exactly what the concept faces, Enumerations and Errors export (runtime values)", async () => {
    const modules = await Promise.all(
      [...faces, "./Enumerations.ts", "./Errors.ts"].map((path) => import(new URL(path, srcDir).href))
    )
    const union = new Set(modules.flatMap((m) => Object.keys(m)))
    assert.isAtLeast(faces.length, 9)
    assert.deepStrictEqual(Object.keys(root).sort(), [...union].sort())
  })
})
