// Admin request bodies up to a limit. A larger one is refused before any of it is kept: a declared Content-Length
// over the limit is refused unread, a longer stream once it passes the limit. The rest is still read and dropped in
// the background, so the connection stays usable and the client, still sending, reads the 413 instead of a reset.

const drain = async (reader: ReadableStreamDefaultReader<Uint8Array>): Promise<void> => {
  try {
    for (;;) if ((await reader.read()).done) return
  } catch {
    // The client went away: nothing left to drop.
  }
}

/** The body as text, or null when it is longer than `limit` bytes. */
export const readBodyWithin = async (request: Request, limit: number): Promise<string | null> => {
  const declared = request.headers.get("content-length")
  if (request.body === null) return ""
  const reader = request.body.getReader()
  if (declared !== null && Number(declared) > limit) {
    void drain(reader)
    return null
  }
  const decoder = new TextDecoder()
  let text = ""
  let size = 0
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    size += value.byteLength
    if (size > limit) {
      void drain(reader)
      return null
    }
    text += decoder.decode(value, { stream: true })
  }
  return text + decoder.decode()
}
