/**
 * The value a plain-object table holds for `key` as its own, never one inherited from Object's
 * prototype: a query word or an article's text may well be `constructor` or `toString`.
 */
export function ownValue<T>(table: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(table, key) ? table[key] : undefined;
}
