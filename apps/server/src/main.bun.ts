// Bun entry point: `bun src/main.bun.ts [flags]`.
import { main } from "./main.ts"

await main(process.argv.slice(2))
