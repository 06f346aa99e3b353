import { assert, describe, it } from "@effect/vitest"
import { ConfigProvider, Effect, Option } from "effect"
import { createImdsClient, defaultEndpoint, ImdsClient, InvalidOptions, resolveOptions } from "../src/index.ts"

const noEnv = { endpoint: Option.none<string>(), imdsV1Disabled: false }

describe("endpoint resolution", () => {
  it("defaults to the real service's address without connecting to it", () => {
    const client = createImdsClient({ env: {} })
    assert.strictEqual(client.endpoint, "http://100.100.100.200")
    assert.strictEqual(client.endpoint, defaultEndpoint)
    assert.strictEqual(client.mode, "token")
  })

  it("takes ALIBABA_CLOUD_IMDS_ENDPOINT from the environment, and the option over it", () => {
    const env = { ALIBABA_CLOUD_IMDS_ENDPOINT: "http://127.0.0.1:8080/" }
    assert.strictEqual(createImdsClient({ env }).endpoint, "http://127.0.0.1:8080")
    assert.strictEqual(createImdsClient({ env, endpoint: "127.0.0.2:9000" }).endpoint, "http://127.0.0.2:9000")
  })

  it("refuses endpoints that are not http(s) URLs", () => {
    const error = resolveOptions({ endpoint: "ftp://127.0.0.1" }, noEnv)
    assert.instanceOf(error, InvalidOptions)
    assert.include((error as InvalidOptions).message, "endpoint")
  })

  it.effect("the Effect layer reads the environment through Config", () =>
    Effect.gen(function* () {
      const imds = yield* ImdsClient
      assert.strictEqual(imds.endpoint, "http://127.0.0.9:1234")
      assert.strictEqual(imds.mode, "auto")
    }).pipe(
      Effect.provide(ImdsClient.layer({ mode: "auto" })),
      Effect.provideService(
        ConfigProvider.ConfigProvider,
        ConfigProvider.fromEnvRecord({ ALIBABA_CLOUD_IMDS_ENDPOINT: "127.0.0.9:1234" })
      )
    )
  )
})

describe("option validation", () => {
  it("rejects token TTLs outside 1..21600 and unknown modes eagerly", () => {
    for (const options of [{ tokenTtlSeconds: 0 }, { tokenTtlSeconds: 21_601 }, { mode: "v1" as never }]) {
      assert.throws(() => createImdsClient({ env: {}, ...options }), InvalidOptions)
    }
  })

  it("caps the token refresh margin at half the TTL and sums connect and read into one attempt deadline", () => {
    const resolved = resolveOptions({ tokenTtlSeconds: 10, connectTimeoutMs: 200, readTimeoutMs: 300 }, noEnv)
    assert.notInstanceOf(resolved, InvalidOptions)
    if (resolved instanceof InvalidOptions) return
    assert.strictEqual(resolved.tokenRefreshMarginMs, 5000)
    assert.strictEqual(resolved.attemptTimeoutMs, 500)
  })

  it("ALIBABA_CLOUD_IMDSV1_DISABLED=true turns off the fallback and refuses mode 'normal'", () => {
    const env = { ALIBABA_CLOUD_IMDSV1_DISABLED: "true" }
    assert.throws(() => createImdsClient({ env, mode: "normal" }), /ALIBABA_CLOUD_IMDSV1_DISABLED/)
    const auto = resolveOptions({ mode: "auto" }, { ...noEnv, imdsV1Disabled: true })
    assert.isFalse((auto as { fallback: boolean }).fallback)
    const allowed = resolveOptions({ mode: "auto" }, noEnv)
    assert.isTrue((allowed as { fallback: boolean }).fallback)
  })
})
