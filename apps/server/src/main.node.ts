// Node entry point: `node src/main.node.ts [flags]`.
import { main } from "./main.ts"

await main(process.argv.slice(2))
