/**
 * Stands in for `mnemonist/lru-cache` in the bundles (projenrc/handler-bundles.ts). Its one user is
 * the DynamoDB client's endpoint-discovery cache (@aws-sdk/endpoint-cache), which touches only
 * what is here, and only if endpoint discovery is switched on, which it is not for DynamoDB by
 * default. A Map keeps insertion order, which is all an LRU needs: ~0.3 KB instead of ~7 KB.
 */
export default class LRUCache<K, V> {
  private readonly entries = new Map<K, V>();

  constructor(private readonly capacity: number) {}

  /** The value, now the most recently used. */
  get(key: K): V | undefined {
    if (!this.entries.has(key)) return undefined;
    const value = this.entries.get(key)!;
    this.entries.delete(key);
    this.entries.set(key, value);
    return value;
  }

  /** The value, without making it recent. */
  peek(key: K): V | undefined {
    return this.entries.get(key);
  }

  set(key: K, value: V): this {
    this.entries.delete(key);
    this.entries.set(key, value);
    if (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value as K);
    return this;
  }

  has(key: K): boolean {
    return this.entries.has(key);
  }

  clear(): void {
    this.entries.clear();
  }

  get size(): number {
    return this.entries.size;
  }
}
