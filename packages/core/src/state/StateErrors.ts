// Why durable state could not be loaded or saved: data for the adapter to word (it knows the file, or the server).
import { Schema } from "effect"

/** The stored state is not a document this emulator wrote: not JSON, cut short, or a field that does not fit. */
export class StateInvalid extends Schema.TaggedError<StateInvalid>()("StateInvalid", {
  /** The field at fault (`fleet.instances["i-abc"].role`), or `(file)` when the text is not a JSON document. */
  path: Schema.String,
  message: Schema.String
}) {}

/** The stored state was written by a newer emulator, in a format version this one does not read. */
export class StateTooNew extends Schema.TaggedError<StateTooNew>()("StateTooNew", {
  version: Schema.Number,
  supported: Schema.Number
}) {}

/** The store could not be read at all (permissions, not a file, an I/O error). */
export class StateUnreadable extends Schema.TaggedError<StateUnreadable>()("StateUnreadable", {
  reason: Schema.String
}) {}

/** A change could not be made durable; it is in force in memory only. */
export class StateNotSaved extends Schema.TaggedError<StateNotSaved>()("StateNotSaved", {
  reason: Schema.String
}) {}

export type StateLoadError = StateInvalid | StateTooNew | StateUnreadable
