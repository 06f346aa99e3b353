// The console in a real Chromium against a real emulator: the fleet renders (also with 10,000 instances, timed), the
// settings dialog forces hardened mode (with the warning) and a plain curl then gets 403, normal-mode reads reach the
// chart live, `clock advance` moves it, the journal tails, and the admin token is asked for once when set.
import { execFile } from "node:child_process"
import { promisify } from "node:util"
import type { RunningServer } from "@aliyun-imds/server"
import type { Browser, Page } from "playwright-core"
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest"
import { fleetOf, launch, newPage, plainRead, plainReadAs, shoot, startEmulator } from "./support.ts"

const skip = inject("browserSkip")
if (skip !== null) console.warn(`console browser tests skipped: ${skip}`)

/** The status a plain `curl` gets (asynchronously: the emulator answers from this process), or -1 without curl. */
const curlStatus = async (url: string): Promise<number> => {
  try {
    const { stdout } = await promisify(execFile)("curl", ["-s", "-o", "/dev/null", "-w", "%{http_code}", url])
    return Number(stdout)
  } catch {
    return -1
  }
}

const totalOf = async (page: Page, key: string) =>
  Number((await page.getByTestId(`total-${key}`).locator(".value").textContent())?.replace(/,/g, ""))

describe.skipIf(skip !== null)("the console in Chromium", () => {
  let browser: Browser
  let server: RunningServer
  let page: Page

  beforeAll(async () => {
    ;[browser, server] = await Promise.all([launch(), fleetOf(12).then((f) => startEmulator(f))])
    page = await newPage(browser)
  })
  afterAll(async () => {
    await browser?.close()
    await server?.stop()
  })

  it("shows the fleet with each instance's metadata options, served by the admin listener at /", async () => {
    await page.goto(`${server.adminUrl}/`)
    await expect.poll(() => page.locator("table.fleet tbody tr").count()).toBe(12)
    const row = page.locator(`tr[data-instance="${server.defaultInstanceId}"]`)
    await expect.poll(() => row.textContent()).toContain("optional")
    expect(await page.getByTestId("fleet-count").textContent()).toBe("12 of 12 instances")
    await shoot(page, "console-fleet", true)
  })

  it("forces hardened mode from the settings dialog, warning first; a plain curl then gets 403", async () => {
    expect((await plainRead(server)).status).toBe(200)
    await page.goto(`${server.adminUrl}/#fleet`)
    await page.locator(`tr[data-instance="${server.defaultInstanceId}"] button`, { hasText: "Settings" }).click()
    const dialog = page.locator("dialog.settings")
    await dialog.getByLabel("Security hardening mode only (required)").check()
    const warning = dialog.getByTestId("hardening-warning")
    await expect.poll(() => warning.textContent()).toContain("1 normal-mode access in the last 1h")
    expect(await dialog.getByRole("button", { name: "Apply" }).isDisabled()).toBe(true)
    await shoot(page, "console-settings-warning", true)
    await dialog.getByLabel("Force hardened mode anyway").check()
    await dialog.getByRole("button", { name: "Apply" }).click()
    const row = page.locator(`tr[data-instance="${server.defaultInstanceId}"]`)
    await expect.poll(() => row.textContent()).toContain("required")
    const status = await curlStatus(`${server.dataUrl}/latest/meta-data/instance-id`)
    expect(status === -1 ? (await plainRead(server)).status : status).toBe(403)
  })

  it("plots normal-mode reads on the live chart within a second", async () => {
    await page.goto(`${server.adminUrl}/#charts`)
    await expect.poll(() => page.getByTestId("live").textContent()).toBe("live")
    const before = await totalOf(page, "normalOk")
    // The default instance is hardened now: read as another instance, from its source address.
    for (let i = 0; i < 5; i++) expect(await plainReadAs(server, "127.0.1.2")).toBe(200)
    const started = Date.now()
    await expect.poll(() => totalOf(page, "normalOk"), { timeout: 1000, interval: 50 }).toBe(before + 5)
    console.log(`console: 5 normal-mode reads on the chart after ${Date.now() - started} ms`)
    // Some token traffic too, for the README's picture.
    const token = await (
      await fetch(`${server.dataUrl}/latest/api/token`, {
        method: "PUT",
        headers: { "X-aliyun-ecs-metadata-token-ttl-seconds": "60" }
      })
    ).text()
    for (let i = 0; i < 3; i++) {
      await fetch(`${server.dataUrl}/latest/meta-data/hostname`, { headers: { "X-aliyun-ecs-metadata-token": token } })
    }
    await expect.poll(() => totalOf(page, "tokenOk")).toBe(3)
    await shoot(page, "console-charts", true)
  })

  it("moves the chart with the virtual clock: after `clock advance 6h` the reads are six hours back", async () => {
    await page.goto(`${server.adminUrl}/#charts`)
    await expect.poll(() => totalOf(page, "normalOk")).toBeGreaterThan(0)
    await fetch(`${server.adminUrl}/v1/clock/advance`, { method: "POST", body: JSON.stringify({ by: "6h" }) })
    await expect.poll(() => totalOf(page, "normalOk")).toBe(0)
    await page.getByLabel("Window").selectOption("1d")
    await expect.poll(() => totalOf(page, "normalOk")).toBeGreaterThan(0)
    const series = await (await fetch(`${server.adminUrl}/v1/series?window=1d&step=1h&metrics=normalOk`)).json()
    const points: Array<number> = series.metrics.normalOk
    expect(points[points.length - 7]).toBeGreaterThan(0)
    expect(points.slice(-6).every((n) => n === 0)).toBe(true)
  })

  it("tails the journal: a new request appears with its instance, mode and status", async () => {
    await page.goto(`${server.adminUrl}/#journal`)
    await expect.poll(() => page.getByTestId("live").textContent()).toBe("live")
    expect((await plainRead(server, "region-id")).status).toBe(403)
    const row = page.locator("table.journal tbody tr", { hasText: "/latest/meta-data/region-id" }).first()
    await expect.poll(() => row.textContent(), { timeout: 2000 }).toContain("403")
    expect(await row.textContent()).toContain(server.defaultInstanceId)
    await page.getByLabel("Status filter").fill("403")
    await shoot(page, "console-journal", true)
  })

  it("offers the clock, throttle, faults, revoke, reset and the identity certificate", async () => {
    await page.goto(`${server.adminUrl}/#controls`)
    await page.getByLabel("Advance by").fill("90s")
    await page.getByRole("button", { name: "Advance", exact: true }).click()
    await expect.poll(() => page.getByRole("status").textContent()).toBe("Advance 90s: done")
    await page.getByRole("button", { name: "Add" }).click()
    await expect.poll(() => page.locator(".rules li", { hasText: "fault-" }).count()).toBe(1)
    const download = page.waitForEvent("download")
    await page.getByRole("button", { name: /identity certificate/ }).click()
    expect((await download).suggestedFilename()).toBe("aliyun-imds-identity.pem")
    await shoot(page, "console-controls", true)
    await page.getByRole("button", { name: "Clear all" }).nth(1).click()
    await expect.poll(() => page.locator(".rules li", { hasText: "fault-" }).count()).toBe(0)
  })

  it("looks right in dark mode, and the tabs work from the keyboard", async () => {
    const dark = await newPage(browser, "dark")
    await dark.goto(`${server.adminUrl}/#fleet`)
    await dark.locator("#tab-fleet").focus()
    await dark.keyboard.press("ArrowRight")
    expect(await dark.evaluate(() => document.activeElement?.id)).toBe("tab-charts")
    await expect.poll(() => dark.getByTestId("live").textContent()).toBe("live")
    await shoot(dark, "console-charts-dark", true)
    await dark.context().close()
  })
})

describe.skipIf(skip !== null)("the console with an admin token", () => {
  it("asks for the token once, keeps it out of URLs, and then works", async () => {
    const [browser, server] = await Promise.all([launch(), fleetOf(2).then((f) => startEmulator(f, "s3cret-token"))])
    try {
      const page = await newPage(browser)
      const urls: Array<string> = []
      page.on("request", (r) => urls.push(r.url()))
      await page.goto(`${server.adminUrl}/`)
      const prompt = page.getByRole("dialog", { name: "Admin token" })
      await prompt.waitFor()
      await prompt.getByLabel("Token").fill("wrong")
      await prompt.getByRole("button", { name: "Continue" }).click()
      await expect.poll(() => prompt.getByRole("alert").textContent()).toBe("That token was refused.")
      await prompt.getByLabel("Token").fill("s3cret-token")
      await shoot(page, "console-token-prompt")
      await prompt.getByRole("button", { name: "Continue" }).click()
      await expect.poll(() => page.locator("table.fleet tbody tr").count()).toBe(2)
      await page.locator("#tab-charts").click()
      await expect.poll(() => page.getByTestId("live").textContent()).toBe("live")
      expect(urls.filter((u) => u.includes("s3cret"))).toEqual([])
    } finally {
      await browser.close()
      await server.stop()
    }
  })
})

describe.skipIf(skip !== null)("the console with 10,000 instances", () => {
  it("renders the first page and filters within a responsive time", async () => {
    const [browser, server] = await Promise.all([
      launch(),
      fleetOf(10_000, "ten-thousand").then((f) => startEmulator(f))
    ])
    try {
      const page = await newPage(browser)
      const started = Date.now()
      await page.goto(`${server.adminUrl}/`)
      await expect
        .poll(() => page.getByTestId("fleet-count").textContent(), { timeout: 20_000 })
        .toBe("10,000 of 10,000 instances")
      const rendered = Date.now() - started
      const search = Date.now()
      await page.getByLabel("Search instances").fill(server.defaultInstanceId)
      await expect.poll(() => page.getByTestId("fleet-count").textContent()).toBe("1 of 10,000 instances")
      const filtered = Date.now() - search
      await page.getByLabel("Search instances").fill("")
      const next = Date.now()
      await page.getByRole("button", { name: "Next →" }).click()
      await expect.poll(() => page.locator(".pager span").textContent()).toBe("Page 2 of 200")
      const paged = Date.now() - next
      console.log(
        `console with 10,000 instances: fleet shown ${rendered} ms after navigation, search ${filtered} ms, next page ${paged} ms`
      )
      await shoot(page, "console-fleet-10k")
      expect(rendered).toBeLessThan(10_000)
      expect(filtered).toBeLessThan(2_000)
    } finally {
      await browser.close()
      await server.stop()
    }
  })
})
