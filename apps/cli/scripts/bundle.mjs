#!/usr/bin/env node
// `pnpm --filter @aliyun-imds/cli build`: the CLI as npm installs it, one bundle of the CLI and everything it uses
// (the @aliyun-imds libraries, effect, hono, …) so that `npm i @aliyun-imds/cli` fetches no dependencies; Effect
// alone is ~60 MB installed, the bundle a few. Output: dist/bundle/ (the entry, the sandbox's inner script, lazily
// loaded chunks), console/ (the web console the admin listener serves) and dist/THIRD-PARTY-LICENSES.md.
// dist/bundle/ is two levels below the package root, as src/commands/ and src/platform/ are, so the URLs that
// modules build from import.meta.url (../../preload/, ../../console/) find the same files in both.
import { cpSync, existsSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { dirname, join, relative, sep } from "node:path"
import { fileURLToPath } from "node:url"
import { build } from "esbuild"

const cli = join(dirname(fileURLToPath(import.meta.url)), "..")
const manifest = JSON.parse(readFileSync(join(cli, "package.json"), "utf8"))
const minimum = /^>=\s*(\d+)\.(\d+)/.exec(manifest.engines?.node ?? "")
if (minimum === null) throw new Error(`apps/cli/package.json: engines.node must read ">=MAJOR.MINOR…"`)

const consoleDist = join(cli, "..", "console", "dist")
if (!existsSync(join(consoleDist, "index.html"))) {
  console.error("apps/console/dist is missing: run `pnpm --filter @aliyun-imds/console build` first")
  process.exit(1)
}

rmSync(join(cli, "dist"), { recursive: true, force: true })
const result = await build({
  absWorkingDir: cli,
  entryPoints: { bin: "src/bin.ts", inner: "src/sandbox/inner.ts" },
  outdir: "dist/bundle",
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: `node${minimum[1]}.${minimum[2]}`,
  define: { ALIYUN_IMDS_VERSION: JSON.stringify(manifest.version) },
  // CommonJS dependencies call require() for Node built-ins; an ES module bundle has none of its own.
  banner: {
    js: 'import { createRequire as __aliyunImdsRequire } from "node:module";\nconst require = __aliyunImdsRequire(import.meta.url);'
  },
  // `serve --runtime bun` looks for the npm `bun` package at run time; it is never part of the bundle.
  external: ["bun"],
  minifyWhitespace: true,
  minifySyntax: true,
  legalComments: "none",
  metafile: true,
  logLevel: "warning"
})

rmSync(join(cli, "console"), { recursive: true, force: true })
cpSync(consoleDist, join(cli, "console"), { recursive: true })

// Every third-party package that went into the bundle, with its license text.
const packages = new Map()
for (const input of Object.keys(result.metafile.inputs)) {
  const at = input.lastIndexOf(`node_modules/`)
  if (at === -1) continue
  const rest = input.slice(at + "node_modules/".length).split("/")
  const name = rest[0].startsWith("@") ? `${rest[0]}/${rest[1]}` : rest[0]
  const dir = join(cli, input.slice(0, at + "node_modules/".length), name)
  packages.set(name, dir)
}
const notices = [...packages]
  .sort(([a], [b]) => a.localeCompare(b))
  .map(([name, dir]) => {
    const pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"))
    const file = ["LICENSE", "LICENSE.md", "LICENSE.txt", "license", "LICENCE", "LICENSE-MIT"].find((f) =>
      existsSync(join(dir, f))
    )
    const text =
      file === undefined
        ? `(${pkg.license}; the package ships no license file)`
        : readFileSync(join(dir, file), "utf8").trim()
    return `## ${name}@${pkg.version} (${pkg.license})\n\n\`\`\`\n${text}\n\`\`\`\n`
  })
writeFileSync(
  join(cli, "dist", "THIRD-PARTY-LICENSES.md"),
  `# Third-party software in the aliyun-imds bundle\n\n${notices.join("\n")}`
)
const outputs = Object.keys(result.metafile.outputs).map((o) => relative(cli, join(cli, o)).split(sep).join("/"))
process.stdout.write(`bundled ${packages.size} packages into ${outputs.length} files under dist/bundle/\n`)
