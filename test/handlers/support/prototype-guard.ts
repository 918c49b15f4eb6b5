/**
 * Detects prototype pollution: any property added to, removed from or replaced on a built-in
 * prototype. jest runs tests in a vm context whose built-ins differ from Node's own (which
 * Buffer and the SDK's objects inherit from), so both realms' prototypes are watched.
 */

type Snapshot = Map<object, Map<PropertyKey, PropertyDescriptor>>;

function rootPrototypeOf(value: object): object {
  let current = value;
  for (let next = Object.getPrototypeOf(current); next !== null; next = Object.getPrototypeOf(current)) {
    current = next;
  }
  return current;
}

function watchedPrototypes(): Array<[string, object]> {
  const prototypes: Array<[string, object]> = [
    ['Object.prototype', Object.prototype],
    ['Array.prototype', Array.prototype],
    ['Function.prototype', Function.prototype],
    ['String.prototype', String.prototype],
    ['Number.prototype', Number.prototype],
    ['Boolean.prototype', Boolean.prototype],
    ['Promise.prototype', Promise.prototype],
    ['Error.prototype', Error.prototype],
  ];
  const nodeRealmRoot = rootPrototypeOf(Buffer.prototype);
  if (nodeRealmRoot !== Object.prototype) {
    prototypes.push(['Object.prototype (Node realm)', nodeRealmRoot]);
  }
  return prototypes;
}

function describeOwn(target: object): Map<PropertyKey, PropertyDescriptor> {
  return new Map(Reflect.ownKeys(target).map((key) => [key, Object.getOwnPropertyDescriptor(target, key)!]));
}

function sameDescriptor(a: PropertyDescriptor, b: PropertyDescriptor): boolean {
  return Object.is(a.value, b.value) && a.get === b.get && a.set === b.set && a.writable === b.writable && a.enumerable === b.enumerable;
}

export interface PrototypeGuard {
  /** `Object.prototype.polluted (added)` and the like; empty when nothing changed. */
  changes(): string[];
  /**
   * Puts every watched prototype back as it was: one polluting case must not fail every later
   * case (and test) too, or fast-check could not shrink it to the input that did it.
   */
  restore(): void;
}

export function guardPrototypes(): PrototypeGuard {
  const prototypes = watchedPrototypes();
  const before: Snapshot = new Map(prototypes.map(([, target]) => [target, describeOwn(target)]));
  return {
    changes: () => prototypes.flatMap(([name, target]) => {
      const was = before.get(target)!;
      const now = describeOwn(target);
      const keys = new Set([...was.keys(), ...now.keys()]);
      return [...keys].flatMap((key) => {
        const old = was.get(key);
        const current = now.get(key);
        if (old === undefined) return [`${name}.${String(key)} (added)`];
        if (current === undefined) return [`${name}.${String(key)} (removed)`];
        return sameDescriptor(old, current) ? [] : [`${name}.${String(key)} (replaced)`];
      });
    }),
    restore: () => {
      for (const [, target] of prototypes) {
        const was = before.get(target)!;
        for (const key of Reflect.ownKeys(target)) {
          if (!was.has(key)) Reflect.deleteProperty(target, key);
        }
        for (const [key, descriptor] of was) {
          const current = Object.getOwnPropertyDescriptor(target, key);
          if (current === undefined || !sameDescriptor(descriptor, current)) Object.defineProperty(target, key, descriptor);
        }
      }
    },
  };
}
