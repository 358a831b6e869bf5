/**
 * Sums every series of the counter `name` (all label sets) in a Prometheus
 * text exposition; undefined when the counter is not there.
 */
export function counterTotal(exposition: string, name: string): number | undefined {
  let total: number | undefined;
  for (const line of exposition.split("\n")) {
    const next = line.charAt(name.length);
    if (!line.startsWith(name) || (next !== " " && next !== "{")) continue;
    const value = Number(line.slice(line.lastIndexOf(" ") + 1));
    if (Number.isFinite(value)) total = (total ?? 0) + value;
  }
  return total;
}

/** One broker's counter `name` from its `/metrics`; undefined when unreadable. */
export async function readBrokerCounter(httpUrl: string, name: string): Promise<number | undefined> {
  try {
    const response = await fetch(`${httpUrl}/metrics`);
    return response.ok ? counterTotal(await response.text(), name) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Reads counter `name` on every broker now; the returned function reads it
 * again and resolves with the increase summed over them (undefined when any
 * broker's could not be read).
 */
export async function countOver(httpUrls: readonly string[], name: string): Promise<() => Promise<number | undefined>> {
  const read = async () => {
    const values = await Promise.all(httpUrls.map((url) => readBrokerCounter(url, name)));
    let total = 0;
    for (const v of values) {
      if (v === undefined) return undefined;
      total += v;
    }
    return total;
  };
  const before = await read();
  return async () => {
    const after = await read();
    return before === undefined || after === undefined ? undefined : after - before;
  };
}
