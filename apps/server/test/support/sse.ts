// Server-Sent Events as a test reads them: named events with JSON data, from a fetch Response.

/** Reads SSE events from a response until `count` events arrived. */
export const readEvents = async (res: Response, count: number) => {
  const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader()
  // biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary event JSON shapes
  const events: Array<{ event: string; data: any }> = []
  let buffer = ""
  while (events.length < count) {
    const { value, done } = await reader.read()
    if (done) break
    buffer += value
    let end = buffer.indexOf("\n\n")
    while (end >= 0) {
      const block = buffer.slice(0, end)
      buffer = buffer.slice(end + 2)
      const name = /^event: (.*)$/m.exec(block)?.[1]
      const data = /^data: (.*)$/m.exec(block)?.[1]
      if (name !== undefined && data !== undefined) events.push({ event: name, data: JSON.parse(data) })
      end = buffer.indexOf("\n\n")
    }
  }
  await reader.cancel()
  return events
}
