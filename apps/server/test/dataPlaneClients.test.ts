// How real clients call the metadata listener (spec §14), replayed in-process against HttpTokens=required: the
// header spellings, bare `?` URLs, gzip offers and request sequences of credentials-go, @alicloud/credentials and
// the OpenTelemetry detector.
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { read, setOptions, tokenHeader, ttlHeader } from "./support/dataPlane.ts"
import { type Harness, makeHarness } from "./support/harness.ts"

describe("client sequences", () => {
  let h: Harness
  beforeAll(async () => {
    h = await makeHarness()
    await setOptions(h, { HttpTokens: "required" })
  })
  afterAll(() => h.dispose())

  it("credentials-go's four requests (bare `?`, canonical header names, gzip) work in required mode", async () => {
    const headers = {
      "User-Agent": "AlibabaCloud (linux; amd64) Golang/1.22 Credentials/1.4.9",
      "Accept-Encoding": "gzip"
    }
    const put = () =>
      h.request("/latest/api/token?", {
        method: "PUT",
        headers: { ...headers, "X-Aliyun-Ecs-Metadata-Token-Ttl-Seconds": "21600" }
      })
    const get = (path: string, token: string) =>
      h.request(path, { headers: { ...headers, "X-Aliyun-Ecs-Metadata-Token": token } })
    const role = await (await get("/latest/meta-data/ram/security-credentials/?", await (await put()).text())).text()
    const res = await get(`/latest/meta-data/ram/security-credentials/${role}?`, await (await put()).text())
    expect(res.status).toBe(200)
    expect(res.headers.get("content-encoding")).toBeNull()
    expect(JSON.parse(await res.text()).Code).toBe("Success")
  })

  it("@alicloud/credentials' requests (lower-case headers, no User-Agent, Content-Length 0) work in required mode", async () => {
    const put = async () =>
      (
        await h.request("/latest/api/token", {
          method: "PUT",
          headers: { [ttlHeader.toLowerCase()]: "21600", "content-length": "0" }
        })
      ).text()
    const get = (path: string, token: string) => h.request(path, { headers: { [tokenHeader.toLowerCase()]: token } })
    const role = (await (await get("/latest/meta-data/ram/security-credentials/", await put())).text()).trim()
    const res = await get(`/latest/meta-data/ram/security-credentials/${role}`, await put())
    expect(res.status).toBe(200)
    expect(JSON.parse(await res.text()).AccessKeyId).toMatch(/^STS\./)
  })

  it("the OpenTelemetry detector (token-less) gets 403 in required mode and detects nothing", async () => {
    expect((await read(h, "/latest/dynamic/instance-identity/document")).status).toBe(403)
  })
})
