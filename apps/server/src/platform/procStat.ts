// A `/proc/<pid>/stat` line (Linux): `pid (comm) state ppid …`, where comm may hold spaces and parentheses.

/** The fields after the command name, from the third (state) on: [0] is state, [1] ppid, [19] the start time. */
export const statFieldsAfterComm = (stat: string): ReadonlyArray<string> =>
  stat.slice(stat.lastIndexOf(")") + 2).split(" ")
