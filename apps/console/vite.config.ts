// Builds the console to static files (dist/) that @aliyun-imds/server serves on the admin listener. The admin
// operations' methods and paths come from the contract at build time, so the page carries no copy of them and none
// of the contract's Schemas.
import { AdminContract } from "@aliyun-imds/admin-api"
import preact from "@preact/preset-vite"
import { defineConfig } from "vite"

const routes = Object.fromEntries(Object.entries(AdminContract).map(([id, op]) => [id, [op.method, op.path]]))

export default defineConfig({
  plugins: [preact()],
  define: { __ADMIN_ROUTES__: JSON.stringify(routes) },
  build: { outDir: "dist", emptyOutDir: true, sourcemap: false, chunkSizeWarningLimit: 200, reportCompressedSize: true }
})
