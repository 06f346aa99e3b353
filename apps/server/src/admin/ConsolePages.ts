// The web console on the admin listener: its built static files served at `/` (open without the admin token — the
// page asks for it and sends it as a header), or a page saying how to build them when they are missing.
import type { Hono } from "hono"

/** The console's files by URL path (`/index.html`, `/assets/…`), read once at start-up. */
export type ConsoleFiles = ReadonlyMap<string, Uint8Array>

const types: Readonly<Record<string, string>> = {
  html: "text/html; charset=utf-8",
  js: "text/javascript; charset=utf-8",
  css: "text/css; charset=utf-8",
  svg: "image/svg+xml",
  png: "image/png",
  ico: "image/x-icon",
  json: "application/json",
  woff2: "font/woff2"
}

/** Everything the page needs comes from this listener: no other origin can be reached or frame it. */
const security = {
  "content-security-policy":
    "default-src 'self'; connect-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; " +
    "frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer"
}

const missingPage = `<!doctype html><html lang="en"><meta charset="utf-8"><title>aliyun-imds console: not built</title>
<body style="font:16px/1.5 system-ui,sans-serif;max-width:40rem;margin:4rem auto;padding:0 1rem">
<h1>The console is not built</h1>
<p>This admin listener serves the web console from <code>@aliyun-imds/server</code>'s <code>console/</code> folder,
and it is missing. In the repository, build it with <code>pnpm --filter @aliyun-imds/console build</code>
(<code>npm start</code> and <code>npm test</code> do it for you).</p>
<p>The admin API works without it: <a href="/openapi.json">/openapi.json</a>.</p></body></html>`

const typeOf = (path: string) => types[path.slice(path.lastIndexOf(".") + 1)] ?? "application/octet-stream"

/** Registers `/` and `/assets/*`; call before the admin token guard, so the page loads and then asks for it. */
export const serveConsole = (app: Hono, files: ConsoleFiles | null): void => {
  const index = files?.get("/index.html")
  app.get("/", (c) =>
    index === undefined
      ? c.html(missingPage, 404, security)
      : c.body(index as Uint8Array<ArrayBuffer>, 200, {
          ...security,
          "content-type": types.html!,
          "cache-control": "no-cache"
        })
  )
  app.get("/assets/*", (c) => {
    const body = files?.get(c.req.path)
    if (body === undefined) return c.text("not found", 404, security)
    // Built names carry a content hash: a file never changes under its name.
    return c.body(body as Uint8Array<ArrayBuffer>, 200, {
      ...security,
      "content-type": typeOf(c.req.path),
      "cache-control": "public, max-age=31536000, immutable"
    })
  })
}
