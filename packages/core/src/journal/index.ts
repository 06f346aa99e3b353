// The packet-analyzer view: a bounded ring of every data-plane request, queryable by instance, mode, status and time,
// each naming its calling process (or why it has none).
export { Journal, type JournalEntry, type JournalQuery } from "./Journal.ts"
export { type CallerProcess, type ProcessMiss, processMisses } from "./JournalEntry.ts"
