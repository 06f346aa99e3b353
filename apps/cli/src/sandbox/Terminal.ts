// Whether this process is in the foreground of a terminal: then a Ctrl-C typed there reaches every process of the
// group (the command included) and must not be passed on a second time. Linux: /proc/self/stat's pgrp and tpgid.
import { readFileSync } from "node:fs"

export const inForeground = (): boolean => {
  try {
    const stat = readFileSync("/proc/self/stat", "utf8")
    // Fields after the command name (which may hold spaces and parentheses): state ppid pgrp session tty_nr tpgid.
    const [, , pgrp, , ttyNr, tpgid] = stat.slice(stat.lastIndexOf(")") + 2).split(" ")
    return ttyNr !== "0" && pgrp === tpgid
  } catch {
    return false
  }
}
