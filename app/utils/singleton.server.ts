// The Remix server bundle and server.ts are separate module graphs in one process; shared clients live on globalThis
// so both see the same database pool, queue and socket server (and dev rebuilds do not open new ones).
const registry = ((globalThis as { __tesigo?: Map<string, unknown> }).__tesigo ??= new Map<string, unknown>());

export function remember<T>(name: string, create: () => T): T {
  if (!registry.has(name)) registry.set(name, create());
  return registry.get(name) as T;
}

export function provide<T>(name: string, value: T): T {
  registry.set(name, value);
  return value;
}

export function forget(name: string) {
  registry.delete(name);
}
