// The server's tests as mutation testing runs them (tooling/mutation): the in-process ones — the data plane through
// app.fetch and the Node listener in the test process. Tests that run the server in another process (Bun, CLI, curl,
// the fuzz run, the admin socket) cannot report coverage; the third-party client, load and property suites repeat
// what the security matrix and the examples cover at many times the cost; the --state suites reach the data plane
// only in passing. Mutants are judged without them.
import { shared } from "@aliyun-imds/vitest-config"
import { defineConfig, mergeConfig } from "vitest/config"

export default mergeConfig(
  shared,
  defineConfig({
    test: {
      exclude: [
        "test/runtimes.test.ts",
        "test/thirdParty*.test.ts",
        "test/curl.test.ts",
        "test/concurrency.test.ts",
        "test/readme.test.ts",
        "test/fuzz.test.ts",
        "test/**/*.property.test.ts",
        "test/adminSocket.test.ts",
        "test/processOfPeer.test.ts",
        "test/state*.test.ts",
        "**/node_modules/**"
      ]
    }
  })
)
