// Why a server did not start, in one line a user can act on (entry points print it and exit 1).
export class StartupError extends Error {
  override readonly name = "StartupError"
}
