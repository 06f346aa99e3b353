// `aliyun-imds fleet check FILE`: validate a fleet file without starting anything, as `serve` would load it, listing
// every problem (not only the first, which is all `serve` names), and report overlapping address bindings by the
// core's rule (docs/fleet.md): a range bound to two instances is an error (exit 1), a block containing another
// instance's longer one a warning (printed, exit 0).
import type { BindingOverlap } from "@aliyun-imds/core"
import { Effect, FileSystem } from "effect"
import { Argument, Command } from "effect/cli"
import { ExitCode, fail } from "../ExitCodes.ts"
import { Output } from "../Output.ts"
import { json } from "./shared.ts"

/** Loaded on use: the core is large and most commands never need it. */
const core = Effect.promise(() => import("@aliyun-imds/core"))

type Warning = Extract<BindingOverlap, { severity: "warning" }>

const warningJson = (w: Warning) => ({
  path: w.outer.path,
  message: w.message,
  outer: { instanceId: w.outer.instanceId, range: w.outer.text, path: w.outer.path },
  inner: { instanceId: w.inner.instanceId, range: w.inner.text, path: w.inner.path }
})

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`

const check = Command.make(
  "check",
  {
    file: Argument.String("file").pipe(Argument.withDescription("The fleet file (YAML, or JSON by its .json name)")),
    json
  },
  (f) =>
    Effect.gen(function* () {
      const out = yield* Output
      const fs = yield* FileSystem.FileSystem
      const text = yield* fs
        .readFileString(f.file)
        .pipe(Effect.mapError((e) => fail(ExitCode.runtime, `cannot read fleet file ${f.file}: ${e.message}`)))
      const { fleetReport, fleetOverlaps } = yield* core
      const report = fleetReport(text, f.file.toLowerCase().endsWith(".json") ? "json" : "yaml")
      if (report.config === undefined) {
        const errors = report.problems.map(({ path, message }) => ({ path, message }))
        if (f.json) yield* out.json({ file: f.file, valid: false, errors, warnings: [] })
        const listed =
          errors.length === 1
            ? `${errors[0]!.path}: ${errors[0]!.message}`
            : `${plural(errors.length, "error")}\n${errors.map((e) => `  ${e.path}: ${e.message}`).join("\n")}`
        return yield* fail(ExitCode.runtime, f.json ? "" : `invalid fleet file ${f.file}: ${listed}`)
      }
      const config = report.config
      const warnings = fleetOverlaps(config.instances).filter((o): o is Warning => o.severity === "warning")
      if (f.json) {
        return yield* out.json({
          file: f.file,
          valid: true,
          instanceCount: config.instances.length,
          defaultInstanceId: config.defaultInstanceId,
          errors: [],
          warnings: warnings.map(warningJson)
        })
      }
      for (const w of warnings) yield* out.line(`warning: ${w.outer.path}: ${w.message}`)
      yield* out.line(
        `${f.file}: ${plural(config.instances.length, "instance")}, default ${config.defaultInstanceId}; ` +
          `0 errors, ${plural(warnings.length, "warning")}`
      )
    })
).pipe(
  Command.withDescription(
    "Validate a fleet file as serve would load it; report overlapping address bindings (same range on two " +
      "instances: error, exit 1; a block containing another instance's longer one: warning, exit 0)"
  ),
  Command.withExamples([{ command: "aliyun-imds fleet check fleet.yaml" }])
)

export const fleet = Command.make("fleet").pipe(
  Command.withDescription("Work with fleet files without a running emulator"),
  Command.withSubcommands([check])
)
