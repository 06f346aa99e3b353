// The packet-analyzer view: a bounded ring of every data-plane request, queryable by instance, mode, status and time.
export { Journal, type JournalEntry, type JournalQuery } from "./Journal.ts"
