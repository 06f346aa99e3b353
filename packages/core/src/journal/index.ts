// The packet-analyzer view: a bounded ring of every data-plane request, queryable by instance, mode, status and time,
// each naming its calling process (or why it has none); and the audit of who still reads without a token.
export { type AuditGroup, type AuditPath, type AuditQuery, auditOf, labelOf } from "./Audit.ts"
export { Journal, type JournalEntry, type JournalQuery } from "./Journal.ts"
export { type CallerProcess, type ProcessMiss, processMisses } from "./JournalEntry.ts"
