// What the browser tests share: a real emulator (both listeners on loopback, serving the built console), a chromium
// page driven by playwright-core, and requests to the metadata listener made the way a program would.
import { mkdirSync } from "node:fs"
import { get } from "node:http"
import { decodeFleetValue, type FleetConfig } from "@aliyun-imds/core"
import { type RunningServer, startServer } from "@aliyun-imds/server"
import { Effect } from "effect"
import { type Browser, chromium, type Page } from "playwright-core"

export const distDir = new URL("../dist/", import.meta.url).pathname
/** Screenshots of every run, kept as test artefacts (not committed). */
export const artefactDir = new URL("../test-results/", import.meta.url).pathname
/** Screenshots the README shows (committed). */
export const docsImgDir = new URL("../../../docs/img/", import.meta.url).pathname

export const fleetOf = (count: number, seed = "console"): Promise<FleetConfig> =>
  Effect.runPromise(
    decodeFleetValue({
      version: 1,
      seed,
      // Small fleets get a loopback address each (127.0.1.n), so a test can read as any instance.
      instances: Array.from({ length: count }, (_, i) =>
        count <= 250 ? { sourceAddresses: [`127.0.1.${i + 1}`] } : {}
      )
    })
  )

export const startEmulator = async (fleet: FleetConfig, adminToken?: string): Promise<RunningServer> =>
  startServer({
    fleet,
    port: 0,
    adminPort: 0,
    noEcs: true,
    consoleDir: distDir,
    ...(adminToken === undefined ? {} : { adminToken })
  })

export const launch = (): Promise<Browser> =>
  chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--no-sandbox", "--disable-gpu"] })

export const newPage = async (browser: Browser, theme: "light" | "dark" = "light"): Promise<Page> => {
  const context = await browser.newContext({ viewport: { width: 1360, height: 860 }, colorScheme: theme })
  // No other origin may be reached: every asset comes from the emulator.
  await context.route(/^(?!http:\/\/127\.0\.0\.1[:/])/, (route) => route.abort())
  return context.newPage()
}

/**
 * Saves a screenshot as a test artefact; `docs` ones also replace the README's pictures when run with
 * `CONSOLE_DOCS_SCREENSHOTS=1` (so an ordinary test run leaves the committed files alone).
 */
export const shoot = async (page: Page, name: string, docs = false) => {
  mkdirSync(artefactDir, { recursive: true })
  await page.screenshot({ path: `${artefactDir}${name}.png` })
  if (docs && process.env.CONSOLE_DOCS_SCREENSHOTS === "1") {
    mkdirSync(docsImgDir, { recursive: true })
    await page.screenshot({ path: `${docsImgDir}${name}.png` })
  }
}

/** A token-less (normal-mode) read of the metadata service, as `curl` would make it. */
export const plainRead = async (server: RunningServer, path = "instance-id", userAgent = "curl/8.5.0") =>
  fetch(`${server.dataUrl}/latest/meta-data/${path}`, { headers: { "user-agent": userAgent } })

/** A token-less read made from `peer` (a loopback address of 127.0.0.0/8): the fleet binds it to that instance. */
export const plainReadAs = (server: RunningServer, peer: string, path = "instance-id"): Promise<number> =>
  new Promise((resolve, reject) => {
    get(`${server.dataUrl}/latest/meta-data/${path}`, { localAddress: peer }, (res) => {
      res.resume()
      res.on("end", () => resolve(res.statusCode ?? 0))
    }).on("error", reject)
  })
