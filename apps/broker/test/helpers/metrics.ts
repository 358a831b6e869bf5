/** The value of one series (with an optional exact label set) in a broker's /metrics, or undefined. */
export async function metricValue(baseUrl: string, series: string, labels = ""): Promise<number | undefined> {
  const text = await (await fetch(`${baseUrl}/metrics`)).text();
  const name = labels ? `${series}{${labels}}` : series;
  for (const line of text.split("\n")) {
    if (line.startsWith(`${name} `)) return Number(line.slice(name.length + 1));
  }
  return undefined;
}
