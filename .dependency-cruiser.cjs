// The architecture's rules, checked on every `npm test` (pnpm lint): no import cycles; a core that imports nothing of
// a platform, an HTTP framework or Node; packages that never import apps; and workspace packages reached only through
// the entry points their package.json exports name.

/** The files other workspace packages may import: each package's entry points. */
const entryPoints = [
  "packages/core/src/index\\.ts",
  "packages/core/src/Enumerations\\.ts",
  "packages/core/src/identity/index\\.ts",
  "packages/admin-api/src/index\\.ts",
  "packages/client/src/index\\.ts",
  "packages/client/src/AdminClient\\.ts",
  "apps/server/src/index\\.ts",
  "apps/server/src/ServeFlags\\.ts",
  "apps/server/src/vitest\\.ts"
]

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: "no-cycles",
      comment: "Put the part two files share where both can import it.",
      severity: "error",
      from: {},
      to: { circular: true }
    },
    {
      name: "core-is-pure",
      comment: "The core runs anywhere: no Node built-ins, no HTTP framework, no platform package.",
      severity: "error",
      from: { path: "^packages/core/src" },
      to: {
        dependencyTypes: ["core"]
      }
    },
    {
      name: "core-has-no-platform",
      comment: "The core runs anywhere: no HTTP framework or platform package.",
      severity: "error",
      from: { path: "^packages/core/src" },
      to: { path: "(^|node_modules/)(hono|@hono/[^/]+|@effect/platform-[^/]+|bun)(/|$)" }
    },
    {
      name: "packages-never-import-apps",
      comment: "Libraries sit below the apps that use them.",
      severity: "error",
      from: { path: "^packages/[^/]+/src" },
      to: { path: "^apps/" }
    },
    {
      name: "through-entry-points",
      comment: "Another workspace package is reached through the entry points its package.json exports name.",
      severity: "error",
      from: { path: "^(apps|packages)/([^/]+)/src" },
      to: {
        path: "^(apps|packages)/([^/]+)/src",
        pathNot: ["^$1/$2/src", ...entryPoints]
      }
    }
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: "(^|/)(node_modules|dist|\\.tsbuild|\\.stryker-tmp|\\.tooling)/" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: {
      exportsFields: ["exports"],
      conditionNames: ["import", "default"],
      extensions: [".ts", ".js", ".json"]
    },
    moduleSystems: ["es6"]
  }
}
