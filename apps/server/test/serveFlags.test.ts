// The server entry's flags, parsed from the one table the CLI's `serve` also reads (src/ServeFlags.ts).
import { describe, expect, it } from "vitest"
import { parseServerArgs } from "../src/main.ts"
import { serveFlagHelp, serveFlags } from "../src/ServeFlags.ts"
import { StartupError, startServer } from "../src/startServer.ts"

describe("serve flags", () => {
  it("default to the documented listeners and nothing else", () => {
    expect(parseServerArgs([])).toEqual({
      host: "127.0.0.1",
      port: 8100,
      adminHost: "127.0.0.1",
      adminPort: 8101,
      ecsHost: "127.0.0.1",
      ecsPort: 8102
    })
  })

  it("take every flag of the table", () => {
    const options = parseServerArgs([
      ...["--port", "0", "--admin-port", "9", "--config", "f.yaml", "--seed", "s", "--identity", "id.json"],
      ...["--http-tokens", "required", "--http-endpoint", "disabled", "--admin-token", "t", "--log-level", "warn"],
      ...["--attribute", "all"],
      ...["--state", "state.json", "--state-reset", "--state-flush", "0.5"],
      ...["--ecs-host", "127.0.0.3", "--ecs-port", "0", "--no-ecs"],
      ...["--header-timeout", "2.5", "--keep-alive-timeout", "30", "--max-connections", "64"],
      ...["--admin-body-limit", "4096"],
      ...["--log-format", "human"]
    ])
    expect(options).toMatchObject({
      ecsHost: "127.0.0.3",
      ecsPort: 0,
      noEcs: true,
      port: 0,
      adminPort: 9,
      configPath: "f.yaml",
      seed: "s",
      identityPath: "id.json",
      httpTokens: "required",
      httpEndpoint: "disabled",
      adminToken: "t",
      logLevel: "warn",
      attribute: "all",
      statePath: "state.json",
      stateReset: true,
      stateFlushSeconds: 0.5,
      headerTimeoutSeconds: 2.5,
      keepAliveTimeoutSeconds: 30,
      maxConnections: 64,
      adminBodyLimitBytes: 4096,
      logFormat: "human"
    })
  })

  it("refuse a value outside a flag's enumeration or range, naming the flag", () => {
    expect(() => parseServerArgs(["--http-tokens", "sometimes"])).toThrow(
      '--http-tokens must be one of optional, required (got "sometimes")'
    )
    expect(() => parseServerArgs(["--attribute", "some"])).toThrow(
      '--attribute must be one of all, normal, off (got "some")'
    )
    expect(() => parseServerArgs(["--log-format", "xml"])).toThrow(
      '--log-format must be one of json, human (got "xml")'
    )
    expect(() => parseServerArgs(["--port", "70000"])).toThrow('--port must be a port number 0..65535 (got "70000")')
    expect(() => parseServerArgs(["--nope", "1"])).toThrow(/nope/)
    expect(() => parseServerArgs(["--state-flush", "0"])).toThrow(
      '--state-flush must be a positive number of seconds (got "0")'
    )
    expect(() => parseServerArgs(["--state-flush", "soon"])).toThrow(/--state-flush must be a positive number/)
    expect(() => parseServerArgs(["--header-timeout", "0"])).toThrow(
      '--header-timeout must be a positive number of seconds (got "0")'
    )
    expect(() => parseServerArgs(["--keep-alive-timeout", "never"])).toThrow(/--keep-alive-timeout must be a positive/)
    expect(() => parseServerArgs(["--max-connections", "0"])).toThrow(
      '--max-connections must be a whole number of at least 1 (got "0")'
    )
    expect(() => parseServerArgs(["--admin-body-limit", "1.5"])).toThrow(
      '--admin-body-limit must be a whole number of at least 1 (got "1.5")'
    )
  })

  it("stop a start whose connection limits are out of range, naming the option and its flag", async () => {
    await expect(startServer({ headerTimeoutSeconds: 3e6, logLevel: "silent" })).rejects.toThrow(StartupError)
    await expect(startServer({ headerTimeoutSeconds: 3e6, logLevel: "silent" })).rejects.toThrow(
      "headerTimeoutSeconds (--header-timeout) must be a number of seconds above 0 and at most 2147483 (got 3000000)"
    )
    await expect(startServer({ maxConnections: 0.5, logLevel: "silent" })).rejects.toThrow(
      "maxConnections (--max-connections) must be a whole number of at least 1 (got 0.5)"
    )
  })

  it("document a variable and a default where the flag has them", () => {
    expect(serveFlagHelp(serveFlags.port)).toBe(
      "Metadata listener port (env ALIYUN_IMDS_PORT, default 8100; 0 picks a free port)"
    )
    expect(serveFlagHelp(serveFlags.seed)).toBe("Seed for generated values (ids, addresses)")
  })
})
