// Wire fidelity of the metadata listener, in-process (spec §2–§9, §15): exact listings for the default instance,
// no trailing newline, text/plain, no compression, HEAD without a body, query strings ignored, `Ram/`, trailing
// slashes, the RAM credential JSON, the identity document, `meta-data/all`, and pkcs7 with an audience.
import { type Instance, verifyPkcs7, withAudience } from "@aliyun-imds/core"
import { Effect } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { defaultMetaDataListing, putToken, read } from "./support/dataPlane.ts"
import { type Harness, makeHarness } from "./support/harness.ts"

const metaDataRoot = defaultMetaDataListing

const documentKeys = [
  "zone-id",
  "serial-number",
  "instance-id",
  "region-id",
  "private-ipv4",
  "owner-account-id",
  "mac",
  "image-id",
  "instance-type"
]

const utcSeconds = String.raw`\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ`
const credentialShape = new RegExp(
  "^ \\{\\n" +
    '  "AccessKeyId" : "STS\\.[A-Za-z0-9]{25}",\\n' +
    '  "AccessKeySecret" : "[A-Za-z0-9]{44}",\\n' +
    `  "Expiration" : "(${utcSeconds})",\\n` +
    '  "SecurityToken" : "CAIS[A-Za-z0-9+/=]+",\\n' +
    `  "LastUpdated" : "(${utcSeconds})",\\n` +
    '  "Code" : "Success"\\n' +
    "\\}$"
)

const body = async (h: Harness, path: string, init?: RequestInit) => {
  const res = await h.request(path, init)
  expect(res.status, path).toBe(200)
  return res.text()
}

describe("wire format of the default instance", () => {
  let h: Harness
  let instance: Instance
  let role: string

  beforeAll(async () => {
    h = await makeHarness()
    instance = h.services.fleet.getUnsafe(h.instanceId)!.instance
    role = instance.ramRole!.name
  })
  afterAll(() => h.dispose())

  it("the root lists the two versions, LF-joined, with no trailing newline", async () => {
    expect(await body(h, "/")).toBe("2016-01-01\nlatest")
  })

  it("both versions list the same top-level categories, byte-sorted", async () => {
    for (const path of ["/latest", "/latest/", "/2016-01-01/"]) {
      expect(await body(h, path), path).toBe("dynamic\nmaintenance\nmeta-data\nuser-data")
    }
  })

  it("the meta-data listing is byte-exact, with `instance-id` before `instance/` and `network-type` before `network/`", async () => {
    expect(await body(h, "/latest/meta-data/")).toBe(metaDataRoot)
    expect(await body(h, "/2016-01-01/meta-data/")).toBe(metaDataRoot)
  })

  it("sub-listings are byte-exact and name this instance's own MAC, disk, key and role", async () => {
    const eni = instance.networkInterfaces[0]!
    const listings: ReadonlyArray<[string, string]> = [
      [
        "instance/",
        "instance-name\ninstance-type\nlast-host-landing-time\nmax-netbw-egress\nmax-netbw-ingress\n" +
          "virtualization-solution\nvirtualization-solution-version"
      ],
      ["dns-conf/", "nameservers"],
      ["ntp-conf/", "ntp-servers"],
      ["hibernation/", "configured"],
      ["network/", "interfaces/"],
      ["network/interfaces/", "macs/"],
      ["network/interfaces/macs/", `${eni.mac}/`],
      [
        `network/interfaces/macs/${eni.mac}/`,
        "gateway\nnetmask\nnetwork-interface-id\nprimary-ip-address\nprivate-ipv4s\nvpc-cidr-block\nvpc-id\n" +
          "vswitch-cidr-block\nvswitch-id"
      ],
      ["disks/", `${instance.disks[0]!.id.replace(/^d-/, "")}/`],
      [`disks/${instance.disks[0]!.id.replace(/^d-/, "")}/`, "id\nname"],
      ["public-keys/", `${instance.publicKeys[0]!.id}/`],
      [`public-keys/${instance.publicKeys[0]!.id}/`, "openssh-key"],
      ["ram/", "security-credentials/"],
      ["ram/security-credentials/", role]
    ]
    for (const [path, expected] of listings) expect(await body(h, `/latest/meta-data/${path}`), path).toBe(expected)
    expect(await body(h, "/latest/dynamic/")).toBe("instance-identity")
    expect(await body(h, "/latest/dynamic/instance-identity/")).toBe("document\npkcs7")
    expect(await body(h, "/latest/maintenance/")).toBe("active-system-events")
  })

  it("a crawl finds every listing byte-sorted and every entry readable; no body ends in a newline", async () => {
    const seen: Array<string> = []
    const crawl = async (dir: string): Promise<void> => {
      const listing = await body(h, dir)
      const entries = listing.split("\n")
      expect(
        entries.every((e) => e !== ""),
        dir
      ).toBe(true)
      expect(entries, dir).toEqual([...new Set(entries)].sort())
      for (const entry of entries) {
        if (entry.endsWith("/")) await crawl(`${dir}${entry}`)
        else {
          const leaf = await body(h, `${dir}${entry}`)
          expect(leaf.endsWith("\n"), `${dir}${entry}`).toBe(false)
          seen.push(`${dir}${entry}`)
        }
      }
      expect(listing.endsWith("\n")).toBe(false)
    }
    await crawl("/latest/meta-data/")
    expect(seen).toContain(`/latest/meta-data/ram/security-credentials/${role}`)
    expect(seen.length).toBeGreaterThan(30)
  })

  it("directories answer with or without the trailing slash, and so do leaves", async () => {
    expect(await body(h, "/latest/meta-data")).toBe(metaDataRoot)
    expect(await body(h, "/latest/meta-data/instance")).toBe(await body(h, "/latest/meta-data/instance/"))
    expect(await body(h, "/latest/meta-data/instance-id/")).toBe(instance.instanceId)
    expect(await body(h, "/latest/user-data/")).toBe(await body(h, "/latest/user-data"))
  })

  it("static segments match in any case (`Ram/`, as ossutil asks) but role names keep their case", async () => {
    expect(await body(h, "/latest/meta-data/Ram/security-credentials/")).toBe(role)
    expect(await body(h, `/latest/meta-data/Ram/security-credentials/${role}`)).toMatch(credentialShape)
    expect((await h.request(`/latest/meta-data/ram/security-credentials/${role.toLowerCase()}`)).status).toBe(404)
  })

  it("the query string is ignored, a bare `?` (credentials-go) included", async () => {
    for (const suffix of ["?", "?foo=bar", "?audience=x"]) {
      expect(await body(h, `/latest/meta-data/instance-id${suffix}`), suffix).toBe(instance.instanceId)
    }
    expect(await body(h, "/latest/meta-data/ram/security-credentials/?")).toBe(role)
    expect((await putToken(h, "60", {}, undefined, "/latest/api/token?")).status).toBe(200)
  })

  it("every answer is text/plain, refusals included", async () => {
    for (const path of ["/latest/meta-data/instance-id", "/latest/meta-data/", "/latest/meta-data/all", "/nope"]) {
      const res = await h.request(path)
      expect(res.headers.get("content-type"), path).toBe("text/plain")
      await res.text()
    }
    const refused = await putToken(h, "abc")
    expect(refused.headers.get("content-type")).toBe("text/plain")
  })

  it("nothing is compressed, even when the client accepts gzip", async () => {
    const res = await read(h, "/latest/meta-data/", undefined, { headers: { "Accept-Encoding": "gzip, deflate, br" } })
    expect(res.headers.get("content-encoding")).toBeNull()
    expect(await res.text()).toBe(metaDataRoot)
  })

  it("HEAD answers like GET without a body", async () => {
    for (const [path, status] of [
      ["/latest/meta-data/instance-id", 200],
      ["/latest/meta-data/", 200],
      ["/latest/meta-data/nope", 404]
    ] as const) {
      const res = await h.request(path, { method: "HEAD" })
      expect(res.status, path).toBe(status)
      expect(res.headers.get("content-type")).toBe("text/plain")
      expect(await res.text(), path).toBe("")
    }
  })

  it("multi-value leaves use CRLF; private-ipv4s is a JSON array", async () => {
    expect(await body(h, "/latest/meta-data/dns-conf/nameservers")).toBe(instance.dnsNameservers.join("\r\n"))
    expect(await body(h, "/latest/meta-data/ntp-conf/ntp-servers")).toBe(instance.ntpServers.join("\r\n"))
    const eni = instance.networkInterfaces[0]!
    const ips = await body(h, `/latest/meta-data/network/interfaces/macs/${eni.mac}/private-ipv4s`)
    expect(JSON.parse(ips)).toEqual(eni.privateIpv4s)
    expect(await body(h, "/latest/meta-data/sub-private-ipv4-list")).toBe("")
  })

  it("RAM credentials have the exact live shape: leading space, ` : `, key order, second-precision UTC, 6 h", async () => {
    const text = await body(h, `/latest/meta-data/ram/security-credentials/${role}`)
    const match = credentialShape.exec(text)
    expect(match).not.toBeNull()
    const [, expiration, lastUpdated] = match!
    expect(Date.parse(expiration!) - Date.parse(lastUpdated!)).toBe(6 * 3600 * 1000)
    const now = h.services.clock.nowUnsafe()
    expect(Date.parse(lastUpdated!)).toBeLessThanOrEqual(now)
    expect(Date.parse(expiration!)).toBeGreaterThan(now)
    expect(JSON.parse(text).Code).toBe("Success")
  })

  it("the identity document is compact JSON in the fixed key order, agreeing with the leaves", async () => {
    const text = await body(h, "/latest/dynamic/instance-identity/document")
    const doc = JSON.parse(text) as Record<string, string>
    expect(JSON.stringify(doc)).toBe(text)
    expect(Object.keys(doc)).toEqual(documentKeys)
    for (const key of documentKeys.filter((k) => k !== "instance-type")) {
      expect(doc[key], key).toBe(await body(h, `/latest/meta-data/${key}`))
    }
    expect(doc["instance-type"]).toBe(await body(h, "/latest/meta-data/instance/instance-type"))
  })

  it("meta-data/all parses, mirrors the listing, and holds leaves in their single-item bytes", async () => {
    for (const version of ["latest", "2016-01-01"]) {
      const all = JSON.parse(await body(h, `/${version}/meta-data/all`)) as Record<string, unknown>
      expect(Object.keys(all)).toEqual(metaDataRoot.split("\n").map((e) => e.replace(/\/$/, "")))
      expect(all["instance-id"]).toBe(instance.instanceId)
      expect(all["sub-private-ipv4-list"]).toBe("")
      expect(all["dns-conf"]).toEqual({ nameservers: instance.dnsNameservers.join("\r\n") })
      // The role name only: cloud-init must never find keys in the bulk document.
      expect(all.ram).toEqual({ "security-credentials": role })
    }
    expect(metaDataRoot.split("\n")).not.toContain("all")
  })

  it("pkcs7 is one base64 line that verifies over the document, with `?audience=` spliced in", async () => {
    const document = await body(h, "/latest/dynamic/instance-identity/document")
    const cert = await Effect.runPromise(h.services.identity.certificatePem)
    const audience = "https://sts.example.com/verify?x=1"
    const signed = await body(h, `/latest/dynamic/instance-identity/pkcs7?audience=${encodeURIComponent(audience)}`)
    expect(signed).toMatch(/^[A-Za-z0-9+/]+={0,2}$/)
    expect(await Effect.runPromise(verifyPkcs7(signed, cert))).toEqual({
      valid: true,
      content: withAudience(document, audience)
    })
    const plain = await body(h, "/latest/dynamic/instance-identity/pkcs7")
    expect(await Effect.runPromise(verifyPkcs7(plain, cert))).toEqual({ valid: true, content: document })
  })

  it("token bodies and role names carry no whitespace, so clients can paste them into headers and URLs", async () => {
    const token = await h.token(60)
    expect(token).toMatch(/^\S+$/)
    expect(token.length).toBeLessThanOrEqual(256)
    expect(await body(h, "/latest/meta-data/ram/security-credentials/")).toMatch(/^\S+$/)
  })
})
