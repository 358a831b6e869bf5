import { BROKER_SYSTEM, type PeerRun, shapeLabel } from "./peers/comparison.ts";
import type { PeerShape } from "./peers/peer-system.ts";
import { formatNumber, ms, type ReportTable } from "./report.ts";
import type { WorkloadResult } from "./workload.ts";

/** Reads a number at a dotted `path` in `root` (undefined when absent or not a finite number). */
function numberAt(root: unknown, path: string): number | undefined {
  let value: unknown = root;
  for (const key of path.split(".")) {
    if (typeof value !== "object" || value === null) return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return typeof value === "number" && Number.isFinite(value) ? value : undefined;
}

/** Reads a number at `path` in a result's figures (undefined when absent). */
export function figureAt(results: readonly WorkloadResult[], name: string, path: string): number | undefined {
  return numberAt(results.find((r) => r.name === name)?.figures, path);
}

/** W1's throughput as a ratio to the two ceilings measured in the same run. */
export function ceilingTable(results: readonly WorkloadResult[]): ReportTable | undefined {
  const w1 = figureAt(results, "W1", "msgsPerSecond");
  const ws = figureAt(results, "ceiling-ws", "msgsPerSecond");
  const pg = figureAt(results, "ceiling-pg", "best");
  const rowsFloor = figureAt(results, "ceiling-pg-rows", "msgsPerSecond");
  if (w1 === undefined || (ws === undefined && pg === undefined && rowsFloor === undefined)) return undefined;
  const ratio = (c: number | undefined) => (c === undefined ? "n/a" : `${(w1 / c).toFixed(2)}×`);
  const rows: ReportTable["rows"] = [
    { metric: "W1 broker msgs/s", value: formatNumber(w1) },
    {
      metric: "÷ transport ceiling (bare WebSocket relay)",
      value: `${ratio(ws)} of ${formatNumber(ws ?? Number.NaN)}`,
    },
    {
      metric: "÷ durability ceiling (single-row insert commits/s)",
      value: `${ratio(pg)} of ${formatNumber(pg ?? Number.NaN)}`,
      target: "≥ 1×",
    },
  ];
  if (rowsFloor !== undefined) {
    rows.push({
      metric: "÷ row-write floor (the broker's rows alone, msgs/s)",
      value: `${ratio(rowsFloor)} of ${formatNumber(rowsFloor)}`,
    });
    const w1Postgres = postgresMicros(results.find((r) => r.name === "W1")?.figures);
    const floorPostgres = figureAt(results, "ceiling-pg-rows", "postgresMicrosPerMessage");
    rows.push({
      metric: "Postgres CPU per message: W1 / row-write floor",
      value: `${micros(w1Postgres)} / ${micros(floorPostgres)}`,
    });
  }
  return { title: "W1 against the ceilings of this machine", rows };
}

/** One line per target of issue 5: measured value and whether it is met. */
export function targetsTable(results: readonly WorkloadResult[], quick = false): ReportTable {
  const rows: ReportTable["rows"] = [];
  const check = (
    metric: string,
    value: number | undefined,
    target: string,
    met: (v: number) => boolean,
    show: (v: number) => string,
  ) => {
    if (value === undefined) return;
    // Quick sizes exercise every path; their figures (fixed costs over 500 sessions, 500 envelopes) judge nothing.
    const verdict = quick ? "not judged (--quick)" : met(value) ? "met" : "MISSED";
    rows.push({ metric, value: `${show(value)} — ${verdict}`, target });
  };
  const pct = (v: number) => `${v.toFixed(2)} %`;
  const delivered = figureAt(results, "W1", "delivered");
  const expected = figureAt(results, "W1", "expected");
  if (delivered !== undefined && expected)
    check("W1 delivered", (100 * delivered) / expected, "100 %", (v) => v >= 100, pct);
  check("W1 msgs/s", figureAt(results, "W1", "msgsPerSecond"), "≥ 10,000", (v) => v >= 10_000, formatNumber);
  check("W1 send→push p99", figureAt(results, "W1", "sendToPush.p99"), "≤ 50 ms", (v) => v <= 50, ms);
  check(
    "W1 broker peak RSS",
    figureAt(results, "W1", "usage.brokerRssKb.peak"),
    "≤ 200 MB",
    (v) => v <= 200 * 1024,
    (v) => `${(v / 1024).toFixed(1)} MB`,
  );
  const w1 = figureAt(results, "W1", "msgsPerSecond");
  const pg = figureAt(results, "ceiling-pg", "best");
  if (w1 !== undefined && pg !== undefined)
    check(
      "W1 ÷ durability ceiling",
      w1 / pg,
      "≥ 1×",
      (v) => v >= 1,
      (v) => `${v.toFixed(2)}×`,
    );
  const w2 = results.find((r) => r.name === "W2")?.figures.runs;
  if (Array.isArray(w2)) {
    const at1000 = w2.find((r: { rate?: number }) => r.rate === 1000) as { sendToPush?: { p99?: number } } | undefined;
    check("W2 @1000/s send→push p99", at1000?.sendToPush?.p99, "≤ 10 ms", (v) => v <= 10, ms);
  }
  check(
    "W5 broker RSS per idle session",
    figureAt(results, "W5", "perSessionKb"),
    "≤ 20 KB",
    (v) => v <= 20,
    (v) => `${v.toFixed(1)} KB`,
  );
  return { title: "Targets of issue 5 (figures only: the bench never fails on timing)", rows };
}

/** From this share of the whole machine busy (%), a run counts as bound by CPU. */
const CPU_BOUND_BUSY = 90;

/** A count of µs to one decimal at most: "48.2", "440". */
function microsNumber(value: number): string {
  return formatNumber(Math.round(value * 10) / 10);
}

/** "48.2 µs", or "n/a". */
function micros(value: number | undefined): string {
  return value === undefined ? "n/a" : `${microsNumber(value)} µs`;
}

/** Postgres CPU per delivered message of a delivery workload's figures (`usage` and `delivered`), in µs. */
function postgresMicros(figures: unknown): number | undefined {
  const seconds = numberAt(figures, "usage.cpuSeconds.postgres");
  const delivered = numberAt(figures, "delivered");
  return seconds === undefined || !delivered ? undefined : (seconds * 1e6) / delivered;
}

/**
 * What CPU allows a run: the machine's cores over the CPU each process spent
 * per delivered message (a run's `usage.cpuSeconds` ÷ its `delivered`), and
 * how busy the machine was (a closed loop with the machine near 100 % busy
 * is bound by it).
 */
export function cpuBound(
  run: unknown,
  cores: number,
  unit: { one: string; rate: string } = { one: "delivered message", rate: "msgs/s" },
): string {
  const count = numberAt(run, "delivered");
  const per = (key: string) => {
    const seconds = numberAt(run, `usage.cpuSeconds.${key}`);
    return seconds === undefined || !count ? undefined : (seconds * 1e6) / count;
  };
  const broker = per("broker");
  const postgres = per("postgres");
  const loadGenerator = per("loadGenerator");
  if (broker === undefined || loadGenerator === undefined) return "CPU per message not visible in this run";
  const parts = [
    `broker ${microsNumber(broker)}`,
    postgres === undefined ? "Postgres n/a (not visible)" : `Postgres ${microsNumber(postgres)}`,
    `load generator ${microsNumber(loadGenerator)}`,
  ];
  const allows = (cores * 1e6) / (broker + (postgres ?? 0) + loadGenerator);
  const figure = `CPU: ${cores} cores ÷ (${parts.join(" + ")} µs per ${unit.one}) = ${formatNumber(allows)} ${unit.rate}`;
  const busy = numberAt(run, "usage.machine.busy");
  if (busy === undefined) return `${figure} (machine busy share not visible)`;
  return busy >= CPU_BOUND_BUSY
    ? `${figure}; machine busy ${busy.toFixed(0)} %`
    : `not CPU-bound (machine busy ${busy.toFixed(0)} %); ${figure}`;
}

/**
 * The commit floor (ceiling-pg on one connection) as a latency target's
 * bound, with what the judged run (its `usage` and `delivered`) spent
 * besides: Postgres CPU per message and how busy the machine was, so the
 * part of the latency above one commit shows where it went.
 */
function commitFloorBound(results: readonly WorkloadResult[], run: unknown): string {
  const p50 = figureAt(results, "ceiling-pg", "commitFloor.p50");
  const p99 = figureAt(results, "ceiling-pg", "commitFloor.p99");
  const floor =
    p50 === undefined || p99 === undefined
      ? "commit floor not measured in this run (--only ceilings)"
      : `one commit alone: p50 ${ms(p50)} / p99 ${ms(p99)}`;
  const postgres = postgresMicros(run);
  const busy = numberAt(run, "usage.machine.busy");
  if (postgres === undefined || busy === undefined) return floor;
  return `${floor}; in this run Postgres spent ${postgres.toFixed(0)} µs of CPU per message and the machine was ${busy.toFixed(0)} % busy`;
}

/** A target's figure from this run, or why there is none (`absent`: the `--only` step that gives it, or what was missing). */
type Measured = { value: string; met: boolean; bound: () => string } | { absent: string };

/** The broker's figures on a `peers` shape, or why there are none. */
type PeerShapeFigures =
  | {
      label: string;
      broker: { msgsPerSecond: number; sendToPush: { p50: number; p99: number } };
      runs: PeerRun[];
      /** The broker's `delivered` and `usage` on the shape, when its run recorded them. */
      cost: unknown;
    }
  | { absent: string };

/** The `peers` shape result matching `which`, with its mesh broker run. */
function peerShape(
  results: readonly WorkloadResult[],
  which: (shape: PeerShape) => boolean,
  what: string,
): PeerShapeFigures {
  const found = results.find((r) => {
    const shape = r.figures.shape as PeerShape | undefined;
    return r.name.startsWith("peers ") && shape !== undefined && which(shape);
  });
  if (!found)
    return { absent: results.some((r) => r.name === "peers") ? `no ${what} shape in this run` : "--only peers" };
  const runs = (found.figures.runs ?? []) as PeerRun[];
  const broker = runs.find((r) => r.system === BROKER_SYSTEM);
  if (!broker || "skipped" in broker) return { absent: `the mesh broker did not run the ${what} shape` };
  return { label: shapeLabel(found.figures.shape as PeerShape), broker, runs, cost: found.figures.broker };
}

/**
 * One line per target of issue 18, each judged from figures of this run
 * only: met, MISSED with the measured figure that bounds it (CPU per
 * message, the row-write floor, the commit floor), not judged at quick
 * sizes, or not measured (with the `--only` step that measures it).
 */
export function issue18Table(
  results: readonly WorkloadResult[],
  options: { quick: boolean; cores: number },
): ReportTable {
  const { quick, cores } = options;
  const rows: ReportTable["rows"] = [];
  const judge = (metric: string, target: string, measured: Measured) => {
    if ("absent" in measured) {
      rows.push({ metric, value: "n/a", target, verdict: `not measured in this run (${measured.absent})` });
    } else if (quick) {
      rows.push({ metric, value: measured.value, target, verdict: "not judged (--quick)" });
    } else if (measured.met) {
      rows.push({ metric, value: measured.value, target, verdict: "met" });
    } else {
      rows.push({ metric, value: measured.value, target, verdict: "MISSED", bound: measured.bound() });
    }
  };
  const figures = (name: string) => results.find((r) => r.name === name)?.figures;

  // 1–2. W1: throughput, and Postgres CPU per message against the row-write floor.
  const w1 = figures("W1");
  const w1Rate = numberAt(w1, "msgsPerSecond");
  judge(
    "W1 msgs/s",
    "≥ 14,000",
    w1Rate === undefined
      ? { absent: "--only W1" }
      : {
          value: formatNumber(w1Rate),
          met: w1Rate >= 14_000,
          bound: () => cpuBound(w1, cores),
        },
  );
  const w1Postgres = postgresMicros(w1);
  judge(
    "W1 Postgres CPU per delivered message",
    "≤ 60 µs",
    w1 === undefined
      ? { absent: "--only W1" }
      : w1Postgres === undefined
        ? { absent: "Postgres CPU not visible: its server runs elsewhere" }
        : {
            value: micros(w1Postgres),
            met: w1Postgres <= 60,
            bound: () => {
              const floor = figureAt(results, "ceiling-pg-rows", "postgresMicrosPerMessage");
              return floor === undefined
                ? "row-write floor not measured in this run (--only ceilings)"
                : `the bare writes of the same rows cost ${micros(floor)} of Postgres CPU per message (row-write floor)`;
            },
          },
  );

  // 3. W2 at 1,000/s: latency against the commit floor.
  const w2 = figures("W2");
  const at1000 = Array.isArray(w2?.runs) ? (w2.runs as { rate?: number }[]).find((r) => r.rate === 1000) : undefined;
  const w2p99 = numberAt(at1000, "sendToPush.p99");
  const w2p999 = numberAt(at1000, "sendToPush.p999");
  judge(
    "W2 @1,000/s send→push p99 / p99.9",
    "≤ 10 ms / ≤ 25 ms",
    w2 === undefined
      ? { absent: "--only W2" }
      : w2p99 === undefined || w2p999 === undefined
        ? { absent: "no W2 run at 1,000/s" }
        : {
            value: `${ms(w2p99)} / ${ms(w2p999)}`,
            met: w2p99 <= 10 && w2p999 <= 25,
            bound: () => commitFloorBound(results, at1000),
          },
  );

  // 4. W3: deliveries/s and latency, both bound by CPU per delivery.
  const w3 = figures("W3");
  const w3Rate = numberAt(w3, "deliveriesPerSecond");
  const w3p99 = numberAt(w3, "sendToPush.p99");
  const w3Cpu = () => cpuBound(w3, cores, { one: "delivery", rate: "deliveries/s" });
  judge(
    "W3 envelope-deliveries/s",
    "≥ 25,000",
    w3Rate === undefined
      ? { absent: "--only W3" }
      : { value: formatNumber(w3Rate), met: w3Rate >= 25_000, bound: w3Cpu },
  );
  judge(
    "W3 send→push p99",
    "≤ 2 s",
    w3p99 === undefined ? { absent: "--only W3" } : { value: ms(w3p99), met: w3p99 <= 2000, bound: w3Cpu },
  );

  // 5. W7: two instances deliver at least what one does.
  const w7 = figures("W7-throughput");
  const w7Runs = Array.isArray(w7?.runs) ? (w7.runs as { instances?: number }[]) : [];
  const one = w7Runs.find((r) => r.instances === 1);
  const two = w7Runs.find((r) => r.instances === 2);
  const oneRate = numberAt(one, "msgsPerSecond");
  const twoRate = numberAt(two, "msgsPerSecond");
  judge(
    "W7 msgs/s: 2 instances ÷ 1 instance",
    "≥ 1.00×",
    w7 === undefined
      ? { absent: "--only W7" }
      : oneRate === undefined || twoRate === undefined || oneRate <= 0
        ? { absent: "W7 ran without both 1 and 2 instances" }
        : {
            value: `${(twoRate / oneRate).toFixed(2)}× (${formatNumber(twoRate)} ÷ ${formatNumber(oneRate)})`,
            met: twoRate / oneRate >= 1,
            bound: () => {
              const pg1 = postgresMicros(one);
              const pg2 = postgresMicros(two);
              if (pg1 === undefined || pg2 === undefined)
                return `2 instances deliver ${(twoRate / oneRate).toFixed(2)}× of one instance's msgs/s (Postgres CPU not visible)`;
              const busy = numberAt(two, "usage.machine.busy");
              const busyText = busy === undefined ? "" : `; machine busy at 2 instances ${busy.toFixed(0)} %`;
              return `Postgres CPU per delivered message: 1 instance ${micros(pg1)}, 2 instances ${micros(pg2)}${busyText}`;
            },
          },
  );

  // 6. peers: the broker beside RabbitMQ and the transport ceiling, and its latency with few messages in flight.
  const big = peerShape(results, (s) => s.measures === "throughput" && s.window === 8, "window-8 throughput");
  const bigLabel = "label" in big ? big.label : "100×1000, window 8";
  // The broker's CPU on the shape when its run recorded it, else the ratio alone.
  const bigCpu = (ratioText: string) => () => {
    const cost = "label" in big ? big.cost : undefined;
    return numberAt(cost, "delivered") === undefined ? ratioText : cpuBound(cost, cores);
  };
  const quorumName = "RabbitMQ quorum queues";
  const quorum = "label" in big ? big.runs.find((r) => r.system === quorumName) : undefined;
  judge(
    `peers ${bigLabel}: msgs/s ÷ ${quorumName}`,
    "≥ 1.00×",
    !("label" in big)
      ? { absent: big.absent }
      : quorum === undefined
        ? { absent: `${quorumName} not in this run` }
        : "skipped" in quorum
          ? { absent: `${quorumName} skipped: ${quorum.skipped}` }
          : {
              value: `${(big.broker.msgsPerSecond / quorum.msgsPerSecond).toFixed(2)}× (${formatNumber(big.broker.msgsPerSecond)} ÷ ${formatNumber(quorum.msgsPerSecond)})`,
              met: big.broker.msgsPerSecond >= quorum.msgsPerSecond,
              bound: bigCpu(
                `the broker delivers ${(big.broker.msgsPerSecond / quorum.msgsPerSecond).toFixed(2)}× of ${quorumName}' msgs/s`,
              ),
            },
  );
  const ws = figureAt(results, "ceiling-ws", "msgsPerSecond");
  judge(
    `peers ${bigLabel}: msgs/s ÷ transport ceiling`,
    "≥ 0.50×",
    !("label" in big)
      ? { absent: ws === undefined ? "--only peers,ceilings" : big.absent }
      : ws === undefined
        ? { absent: "--only ceilings" }
        : {
            value: `${(big.broker.msgsPerSecond / ws).toFixed(2)}× (${formatNumber(big.broker.msgsPerSecond)} ÷ ${formatNumber(ws)})`,
            met: big.broker.msgsPerSecond >= 0.5 * ws,
            bound: bigCpu(
              `the broker delivers ${(big.broker.msgsPerSecond / ws).toFixed(2)}× of the bare WebSocket relay's msgs/s`,
            ),
          },
  );
  const w1Shape = peerShape(results, (s) => s.measures === "throughput" && s.window === 2, "window-2 throughput");
  judge(
    `peers ${"label" in w1Shape ? w1Shape.label : "100×300, window 2"}: send→push p99`,
    "≤ 20 ms",
    !("label" in w1Shape)
      ? { absent: w1Shape.absent }
      : {
          value: ms(w1Shape.broker.sendToPush.p99),
          met: w1Shape.broker.sendToPush.p99 <= 20,
          bound: () => commitFloorBound(results, w1Shape.cost),
        },
  );
  const single = peerShape(results, (s) => s.measures === "latency" && s.window === 1, "window-1 latency");
  judge(
    `peers ${"label" in single ? single.label : "10×100, window 1"} (one sender at a time): send→push p50 / p99`,
    "≤ 2 ms / ≤ 7 ms",
    !("label" in single)
      ? { absent: single.absent }
      : {
          value: `${ms(single.broker.sendToPush.p50)} / ${ms(single.broker.sendToPush.p99)}`,
          met: single.broker.sendToPush.p50 <= 2 && single.broker.sendToPush.p99 <= 7,
          bound: () => commitFloorBound(results, single.cost),
        },
  );
  return {
    title: `Targets of issue 18 (${cores} cores shared by broker, Postgres and load generator; figures of this run only)`,
    rows,
  };
}
