// What an identity signature covers when the caller names an audience (spec §7.2).

/** The signed content: the document, or (docs script `${document%?},"audience":"…"}`) with the audience spliced in. */
export const withAudience = (document: string, audience: string | null): string => {
  if (audience === null) return document
  const end = document.lastIndexOf("}")
  return `${end < 0 ? document : document.slice(0, end)},"audience":${JSON.stringify(audience)}}`
}
