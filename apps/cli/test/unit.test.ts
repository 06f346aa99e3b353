// In-process checks of the pieces behind every command: table layout, the one-line usage errors, how a run's end
// becomes an exit code, shell quoting, help through effect/cli (TestConsole), and `get` on a terminal vs a pipe.

import { Forbidden, InvalidOptions, NotFound, Transport, Unauthorized } from "@aliyun-imds/client"
import { startServer } from "@aliyun-imds/server"
import * as NodeServices from "@effect/platform-node/NodeServices"
import { assert, describe, it } from "@effect/vitest"
import { Cause, Effect, Exit, Layer, Sink, Stdio } from "effect"
import { CliError, CliOutput, Command } from "effect/cli"
import { FetchHttpClient } from "effect/http"
import { TestConsole } from "effect/testing"
import { cli } from "../src/Cli.ts"
import { credentialsEnv } from "../src/commands/credentials.ts"
import { processCell } from "../src/commands/journal.ts"
import { CliFailure, ExitCode, outcomeOf } from "../src/ExitCodes.ts"
import { makePresenter, usageLine } from "../src/Help.ts"
import { describeImdsError } from "../src/ImdsAccess.ts"
import { Output, renderTable } from "../src/Output.ts"

describe("Output", () => {
  it("renderTable pads columns, right-aligns where asked and leaves no trailing spaces", () => {
    const text = renderTable(
      ["NAME", "COUNT", "NOTE"],
      [
        ["a", "1", ""],
        ["longer", "100", "x"]
      ],
      { align: ["left", "right", "left"] }
    )
    assert.strictEqual(text, "NAME    COUNT  NOTE\na           1\nlonger    100  x")
  })
})

describe("the journal's PROCESS column", () => {
  it("shows the pid and the executable's name, or why there is none (nothing when attribution was off)", () => {
    const python = { pid: 4242, ppid: 1, exe: "/usr/bin/python3.12", cmdline: "python3 app.py" }
    assert.strictEqual(processCell({ process: python, processMiss: null }, false), "4242 python3.12")
    assert.strictEqual(processCell({ process: { ...python, exe: null }, processMiss: null }, false), "4242 python3")
    assert.strictEqual(
      processCell({ process: { ...python, exe: null, cmdline: "" }, processMiss: null }, false),
      "4242"
    )
    assert.strictEqual(processCell({ process: null, processMiss: "off" }, false), "-")
    assert.strictEqual(processCell({ process: null, processMiss: "denied" }, false), "(denied)")
    assert.strictEqual(processCell({ process: null, processMiss: "remote" }, true), "\x1b[2m(remote)\x1b[0m")
  })
})

describe("usage lines", () => {
  it("an unknown flag with suggestions stays on one line", () => {
    const line = usageLine(
      new CliError.UnrecognizedOption({ option: "--jsn", command: ["aliyun-imds", "get"], suggestions: ["--json"] }),
      ["aliyun-imds", "get"]
    )
    assert.strictEqual(line, "unknown flag --jsn (did you mean --json?); run 'aliyun-imds get --help' for usage")
  })
})

describe("outcomeOf", () => {
  it("maps success, interruption, failures and defects to exit codes; stacks only in debug", () => {
    assert.deepStrictEqual(outcomeOf(Exit.succeed(undefined), false), { exitCode: 0, message: null })
    assert.deepStrictEqual(outcomeOf(Exit.failCause(Cause.interrupt()), false), { exitCode: 0, message: null })
    const refused = new CliFailure({ exitCode: ExitCode.refused, message: "refused" })
    assert.deepStrictEqual(outcomeOf(Exit.fail(refused), false), { exitCode: 3, message: "refused" })
    const boom = Exit.die(new Error("boom"))
    const quiet = outcomeOf(boom, false)
    assert.strictEqual(quiet.exitCode, 1)
    assert.notInclude(quiet.message!, "    at ")
    assert.include(outcomeOf(boom, true).message!, "    at ")
    const help = new CliError.ShowHelp({ commandPath: ["aliyun-imds"], errors: [] })
    assert.deepStrictEqual(outcomeOf(Exit.fail(help), false), { exitCode: 0, message: null })
  })

  it("SDK errors get the documented codes", () => {
    const base = { path: "/latest/meta-data/x", attempts: 1, mode: "normal" as const }
    const codeOf = (e: Parameters<typeof describeImdsError>[1]) => describeImdsError("http://e", e).exitCode
    assert.strictEqual(codeOf(new Forbidden({ ...base, status: 403, reason: "normalModeRefused" })), 3)
    assert.strictEqual(codeOf(new Unauthorized({ ...base, status: 401 })), 3)
    assert.strictEqual(codeOf(new NotFound({ ...base, status: 404 })), 4)
    assert.strictEqual(codeOf(new Transport({ ...base, status: 0, cause: "ECONNREFUSED" })), 1)
    assert.strictEqual(codeOf(new InvalidOptions({ field: "mode", detail: "no" })), 2)
  })
})

describe("credentialsEnv", () => {
  it("quotes values the shell would split and exports the three names", () => {
    const text = credentialsEnv({
      accessKeyId: "STS.abc",
      accessKeySecret: "it's $secret",
      securityToken: "tok+/=",
      expiration: new Date(0),
      lastUpdated: new Date(0),
      code: "Success"
    })
    assert.strictEqual(
      text,
      "ALIBABA_CLOUD_ACCESS_KEY_ID=STS.abc\n" +
        "ALIBABA_CLOUD_ACCESS_KEY_SECRET='it'\\''s $secret'\n" +
        "ALIBABA_CLOUD_SECURITY_TOKEN=tok+/=\n" +
        "export ALIBABA_CLOUD_ACCESS_KEY_ID ALIBABA_CLOUD_ACCESS_KEY_SECRET ALIBABA_CLOUD_SECURITY_TOKEN"
    )
  })
})

/** The CLI in-process: Node services, a captured stdout that is (or is not) a terminal, fetch. */
const cliLayer = (stdout: Array<string>, isTerminal: boolean) => {
  const capture = (chunk: string | Uint8Array) =>
    Effect.sync(() => {
      stdout.push(typeof chunk === "string" ? chunk : new TextDecoder().decode(chunk))
    })
  const stdio = Stdio.layerTest({
    stdoutIsTerminal: Effect.succeed(isTerminal),
    stdout: () => Sink.forEach(capture)
  })
  return Layer.mergeAll(
    Output.layer.pipe(Layer.provide(stdio)),
    FetchHttpClient.layer,
    CliOutput.layerPresenter(makePresenter({ stdoutColor: false, stderrColor: false })),
    stdio
  ).pipe(Layer.provideMerge(NodeServices.layer))
}

describe("the command tree", () => {
  it.effect("--version goes through the presenter (TestConsole)", () =>
    Effect.gen(function* () {
      yield* Command.runWith(cli, { version: "9.9.9" })(["--version"]).pipe(Effect.provide(cliLayer([], false)))
      assert.deepStrictEqual(yield* TestConsole.logLines, ["aliyun-imds 9.9.9"])
    })
  )

  it.live("get adds a newline after the body on a terminal only", () =>
    Effect.gen(function* () {
      const server = yield* Effect.acquireRelease(
        Effect.promise(() => startServer({ port: 0, adminPort: 0, logLevel: "silent" })),
        (s) => Effect.promise(() => s.stop())
      )
      const run = (isTerminal: boolean) =>
        Effect.gen(function* () {
          const out: Array<string> = []
          yield* Command.runWith(cli, { version: "0" })([
            "get",
            "meta-data/instance-id",
            "--endpoint",
            server.dataUrl
          ]).pipe(Effect.provide(cliLayer(out, isTerminal)))
          return out.join("")
        })
      assert.strictEqual(yield* run(false), server.defaultInstanceId)
      assert.strictEqual(yield* run(true), `${server.defaultInstanceId}\n`)
    })
  )
})
