// How effect/cli's help, version and usage errors look here: help as effect/cli renders it plus (at the root) the
// exit codes, environment and completions; a usage error as ONE line on stderr naming the problem and the fix.
import { Console, Effect } from "effect"
import { type CliError, CliOutput } from "effect/cli"
import { exitCodeHelp } from "./ExitCodes.ts"
import { bold, red } from "./Output.ts"

export const programName = "aliyun-imds"

const rootExtras = (color: boolean): string =>
  [
    bold(color, "EXIT CODES"),
    ...exitCodeHelp.map(([code, meaning]) => `  ${String(code).padEnd(3)}  ${meaning}`),
    "",
    bold(color, "ENVIRONMENT"),
    "  ALIBABA_CLOUD_IMDS_ENDPOINT    default --endpoint (else http://127.0.0.1:$ALIYUN_IMDS_PORT, else :8100)",
    "  ALIBABA_CLOUD_IMDSV1_DISABLED  true: refuse --mode normal, never fall back in --mode auto",
    "  ALIYUN_IMDS_ADMIN_URL          default --admin (else http://127.0.0.1:$ALIYUN_IMDS_ADMIN_PORT, else :8101)",
    "  ALIYUN_IMDS_ADMIN_TOKEN        default --admin-token (serve: require it; admin commands: send it)",
    "  ALIYUN_IMDS_PORT, _ADMIN_PORT, _ECS_PORT  default serve --port / --admin-port / --ecs-port (else 8100 / 8101 / 8102); client commands find serve there",
    "  ALIYUN_IMDS_EXEC_TARGET        set by exec for its command: where 100.100.100.200:80 goes",
    "  NO_COLOR                       no colour even on a terminal",
    "",
    bold(color, "COMPLETIONS"),
    `  bash:  source <(${programName} --completions bash)            (or append it to ~/.bashrc)`,
    `  zsh:   ${programName} --completions zsh > ~/.zsh/completions/_${programName}   (a directory in $fpath)`,
    `  fish:  ${programName} --completions fish > ~/.config/fish/completions/${programName}.fish`
  ].join("\n")

const oneLine = (text: string) => text.replace(/\s*\n\s*/g, " ").trim()

const lowerFirst = (text: string) => text.charAt(0).toLowerCase() + text.slice(1)

/** The first parse error as one line: what is wrong, then where to look. */
export const usageLine = (error: CliError.CliError, commandPath: ReadonlyArray<string>): string => {
  const help = `run '${commandPath.join(" ")} --help' for usage`
  switch (error._tag) {
    case "UnrecognizedOption": {
      const hint = error.suggestions.length > 0 ? ` (did you mean ${error.suggestions.join(" or ")}?)` : ""
      return `unknown flag ${error.option}${hint}; ${help}`
    }
    case "UnknownSubcommand": {
      const hint = error.suggestions.length > 0 ? ` (did you mean ${error.suggestions.join(" or ")}?)` : ""
      return `unknown command "${error.subcommand}"${hint}; run '${commandPath.join(" ")} --help' for the commands`
    }
    case "InvalidValue":
      // effect/cli reports a bad environment fallback as the value "config" with the Schema error as `expected`.
      if (error.value === "config" && error.expected.startsWith("SchemaError(")) {
        const detail = error.expected.replace(/^SchemaError\((.*)\)$/s, "$1")
        return `bad environment variable for --${error.option}: ${lowerFirst(oneLine(detail))}; fix it, or pass --${error.option}`
      }
      return `${lowerFirst(oneLine(error.message)).replace(/\.$/, "")}; ${help}`
    default:
      return `${lowerFirst(oneLine(error.message)).replace(/\.$/, "")}; ${help}`
  }
}

export const makePresenter = (options: { readonly stdoutColor: boolean; readonly stderrColor: boolean }) => {
  const formatter = CliOutput.defaultFormatter({ colors: options.stdoutColor })
  const presenter: CliOutput.Presenter = {
    present: (event) => {
      switch (event._tag) {
        case "Help": {
          const doc = formatter.formatHelpDoc(event.helpDoc)
          const root = event.commandPath.length <= 1
          return Console.log(root ? `${doc}\n\n${rootExtras(options.stdoutColor)}` : doc)
        }
        case "InvalidInvocation": {
          const first = event.errors[0]
          if (first === undefined) return Effect.void
          return Console.error(`${red(options.stderrColor, `${programName}:`)} ${usageLine(first, event.commandPath)}`)
        }
        case "Version":
          return Console.log(`${event.name} ${event.version}`)
      }
    }
  }
  return presenter
}
