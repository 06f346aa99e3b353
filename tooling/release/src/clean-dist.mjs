// Run by each library's `build` before tsc: empties the package's dist/ so a file whose source was deleted (or moved)
// is never published from a checkout that built it before. tsc's build of the packages is not incremental, so it
// re-emits everything.
import { rmSync } from "node:fs"
import { join } from "node:path"

rmSync(join(process.cwd(), "dist"), { recursive: true, force: true })
