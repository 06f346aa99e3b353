// `pnpm --filter @aliyun-imds/pack check`: packs every publishable package and runs publint and arethetypeswrong
// on each tarball, printing what they find; exits 1 when either finds anything.
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { attw, pack, publint, publishable } from "./Pack.ts"

const dest = mkdtempSync(join(tmpdir(), "aliyun-imds-pack-"))
let failed = false
try {
  for (const pkg of publishable()) {
    const tarball = pack(pkg, dest)
    const findings = [publint(tarball), attw(tarball)].filter((f) => f !== "")
    process.stdout.write(`${pkg.name}: ${findings.length === 0 ? "ok" : "problems"}\n`)
    for (const f of findings) process.stdout.write(`${f}\n`)
    failed ||= findings.length > 0
  }
} finally {
  rmSync(dest, { recursive: true, force: true })
}
process.exit(failed ? 1 : 0)
