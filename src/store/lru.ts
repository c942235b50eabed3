/**
 * A map keeping at most `limit` entries, dropping the one least recently used to make room; with
 * `weigh`, at most `limit` of their weight (a value weighing more than that is not kept).
 */
export class LruCache<K, V> {
  // A Map keeps insertion order: an entry moved to the end on use leaves the least recently used first.
  private readonly entries = new Map<K, V>();
  private weight = 0;

  constructor(
    private readonly limit: number,
    private readonly weigh: (value: V) => number = () => 1,
  ) {}

  has(key: K): boolean {
    return this.entries.has(key);
  }

  /** The value for `key`, made by `make` and kept when not held. */
  get(key: K, make: (key: K) => V): V {
    let value = this.entries.get(key);
    if (value !== undefined) {
      this.entries.delete(key);
      this.entries.set(key, value);
      return value;
    }
    value = make(key);
    const weight = this.weigh(value);
    if (weight > this.limit) return value;
    while (this.weight + weight > this.limit) {
      const oldest = this.entries.keys().next().value!;
      this.weight -= this.weigh(this.entries.get(oldest)!);
      this.entries.delete(oldest);
    }
    this.entries.set(key, value);
    this.weight += weight;
    return value;
  }
}
