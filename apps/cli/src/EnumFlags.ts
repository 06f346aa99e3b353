// Flags that stand for an enumeration of the core (metadata options, journal modes, fault routes): the accepted values
// and the help text both come from the enumeration's Schema, so the CLI restates neither.
import { type Schema, SchemaAST } from "effect"
import { Flag } from "effect/cli"

/** The description annotation of a Schema (or of an optional field's Schema), or "". */
export const descriptionOf = (schema: Schema.Top): string => {
  const description = SchemaAST.resolveDescription(schema.ast)
  return typeof description === "string" ? description : ""
}

/** An optional `--name` flag taking one of an enumeration's values, its help the enumeration's description. */
export const enumFlag = <const L extends ReadonlyArray<string>>(name: string, values: Schema.Literals<L>) =>
  Flag.Literals(name, values.literals).pipe(Flag.withDescription(descriptionOf(values)), Flag.optional)
