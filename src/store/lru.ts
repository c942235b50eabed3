/** A map keeping at most `limit` entries, dropping the one least recently used to make room. */
export class LruCache<K, V> {
  // A Map keeps insertion order: an entry moved to the end on use leaves the least recently used first.
  private readonly entries = new Map<K, V>();

  constructor(private readonly limit: number) {}

  has(key: K): boolean {
    return this.entries.has(key);
  }

  /** The value for `key`, made by `make` and kept when not held. */
  get(key: K, make: (key: K) => V): V {
    let value = this.entries.get(key);
    if (value !== undefined) {
      this.entries.delete(key);
    } else {
      if (this.entries.size >= this.limit) this.entries.delete(this.entries.keys().next().value!);
      value = make(key);
    }
    this.entries.set(key, value);
    return value;
  }
}
