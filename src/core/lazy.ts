// Work done only as far as it is needed: a few at a time (uploads, stored
// files and downloads each run a small pool), or once, on first use.

/** Runs `work` on every item, at most `limit` at a time; rejects with the first failure. */
export async function pool<T>(items: T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++]);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

/** `make`, called once, on first use: what a run may not need is not made. */
export function once<T>(make: () => T): () => T {
  let made: { value: T } | undefined;
  return () => (made ??= { value: make() }).value;
}
