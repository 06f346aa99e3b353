// The signer's bounded cache of verified tokens, laid out so that caching one retains no new object: token characters
// in a fixed slab, verified fields in typed arrays, an open-addressing index, the oldest ring position overwritten
// when full. (A Map from token strings to entry objects promoted every new token into the old generation, and under
// token churn that grew a Node server's heap by ~100 MB.)

/** Slab room per token: the longest token of an instance id the fleet schema accepts (64 bytes) is 174 characters. */
const stride = 176
const empty = -1
/** Distinct instance ids remembered for sharing; a flood of them only restarts the table. */
const internCapacity = 1024

/** FNV-1a over the last 16 characters (the MAC's, uniformly random) and the length; equality is checked in full. */
const hashOf = (token: string): number => {
  let h = 0x811c9dc5 ^ token.length
  for (let i = Math.max(0, token.length - 16); i < token.length; i++) h = Math.imul(h ^ token.charCodeAt(i), 16777619)
  return h | 0
}

export class VerifiedTokenCache {
  private readonly chars: Uint8Array
  /** 0: the slot is empty. */
  private readonly lengths: Uint16Array
  private readonly hashes: Int32Array
  private readonly keyIds: Float64Array
  private readonly issued: Float64Array
  private readonly expires: Float64Array
  private readonly ids: Array<string>
  /** Open addressing, linear probing: slot numbers, `empty` where free; at most half full. */
  private readonly index: Int32Array
  private readonly mask: number
  private readonly interned = new Map<string, string>()
  private next = 0
  private live = 0
  /** Clients reuse one token for hours: the last one found is checked first, by one native string comparison. */
  private lastToken: string | undefined
  private lastSlot = empty

  readonly capacity: number

  constructor(capacity: number) {
    this.capacity = capacity
    this.chars = new Uint8Array(capacity * stride)
    this.lengths = new Uint16Array(capacity)
    this.hashes = new Int32Array(capacity)
    this.keyIds = new Float64Array(capacity)
    this.issued = new Float64Array(capacity)
    this.expires = new Float64Array(capacity)
    this.ids = new Array<string>(capacity).fill("")
    let size = 2
    while (size < capacity * 2) size *= 2
    this.index = new Int32Array(size).fill(empty)
    this.mask = size - 1
  }

  get size(): number {
    return this.live
  }

  /** The slot holding `token`, or -1. */
  find(token: string): number {
    if (token === this.lastToken) return this.lastSlot
    const at = this.positionOf(token, hashOf(token))
    if (at === empty) return empty
    this.lastToken = token
    this.lastSlot = this.index[at]!
    return this.lastSlot
  }

  keyIdAt = (slot: number): number => this.keyIds[slot]!
  instanceIdAt = (slot: number): string => this.ids[slot]!
  issuedAtAt = (slot: number): number => this.issued[slot]!
  expiresAtAt = (slot: number): number => this.expires[slot]!

  /** Remembers a verified token (longer tokens than the slab holds are simply not cached). */
  add(token: string, keyId: number, instanceId: string, issuedAt: number, expiresAt: number): void {
    if (this.capacity === 0 || token.length > stride || this.find(token) !== empty) return
    const slot = this.next
    this.next = slot + 1 === this.capacity ? 0 : slot + 1
    if (this.lengths[slot] !== 0) this.remove(slot)
    const h = hashOf(token)
    for (let i = 0; i < token.length; i++) this.chars[slot * stride + i] = token.charCodeAt(i)
    this.lengths[slot] = token.length
    this.hashes[slot] = h
    this.keyIds[slot] = keyId
    this.ids[slot] = this.intern(instanceId)
    this.issued[slot] = issuedAt
    this.expires[slot] = expiresAt
    let at = h & this.mask
    while (this.index[at] !== empty) at = (at + 1) & this.mask
    this.index[at] = slot
    this.live++
  }

  /** Empties a slot and its index entry. */
  remove(slot: number): void {
    if (this.lengths[slot] === 0) return
    let at = this.hashes[slot]! & this.mask
    while (this.index[at] !== slot) at = (at + 1) & this.mask
    this.unlink(at)
    this.lengths[slot] = 0
    this.live--
    if (slot === this.lastSlot) this.lastToken = undefined
  }

  clear(): void {
    this.index.fill(empty)
    this.lengths.fill(0)
    this.ids.fill("")
    this.interned.clear()
    this.live = 0
    this.lastToken = undefined
  }

  private positionOf(token: string, h: number): number {
    for (let at = h & this.mask; ; at = (at + 1) & this.mask) {
      const slot = this.index[at]!
      if (slot === empty) return empty
      if (this.hashes[slot] === h && this.holds(slot, token)) return at
    }
  }

  private holds(slot: number, token: string): boolean {
    if (this.lengths[slot] !== token.length) return false
    const base = slot * stride
    for (let i = 0; i < token.length; i++) if (this.chars[base + i] !== token.charCodeAt(i)) return false
    return true
  }

  /** Backward-shift deletion: later entries of the probe run move up so no lookup stops early at the hole. */
  private unlink(hole: number): void {
    let i = hole
    for (let j = (i + 1) & this.mask; this.index[j] !== empty; j = (j + 1) & this.mask) {
      const home = this.hashes[this.index[j]!]! & this.mask
      // The entry at j may fill the hole unless its home lies cyclically in (i, j].
      const stays = i <= j ? home > i && home <= j : home > i || home <= j
      if (!stays) {
        this.index[i] = this.index[j]!
        i = j
      }
    }
    this.index[i] = empty
  }

  private intern(id: string): string {
    const known = this.interned.get(id)
    if (known !== undefined) return known
    if (this.interned.size >= internCapacity) this.interned.clear()
    this.interned.set(id, id)
    return id
  }
}
