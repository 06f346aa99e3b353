// What a CommonJS package sets as `exports.default` (a client class, typically), however the loader hands it over:
// Node's ESM loader gives `module.exports` as the default import (the class then sits at its `.default`), vitest's
// interop gives `exports.default` itself. Accepting both runs the package exactly as either loader presents it.

/** `imported` (a default import, or a namespace's `.default`) resolved to the package's `exports.default`. */
export const commonJsDefault = <T>(imported: unknown): T =>
  (typeof imported === "function" ? imported : (imported as { default: unknown }).default) as T
