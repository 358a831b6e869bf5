import { type BrokerProblem, type BrokerUnderTest, stoppedBrokerFailures } from "./broker-under-test.ts";

/** What stopping a fleet found: harness failures, and the warn lines its started instances logged. */
export interface FleetStopped {
  failures: string[];
  warnings: BrokerProblem["line"][];
}

/**
 * The instances of a multi-instance run on the bench database: the bench's
 * own broker first, then brokers started as the run asks for more (so an
 * instance not yet needed takes no wake-ups). Stopping the fleet stops only
 * the brokers it started and judges them like the bench's own.
 */
export class BrokerFleet {
  private readonly started: BrokerUnderTest[] = [];

  constructor(
    private readonly first: BrokerUnderTest,
    private readonly start: () => Promise<BrokerUnderTest>,
  ) {}

  /** The first `size` instances, started where missing, each answering `/health` 200. */
  async take(size: number, settleTimeoutMs: number): Promise<BrokerUnderTest[]> {
    while (1 + this.started.length < size) this.started.push(await this.start());
    const brokers = [this.first, ...this.started].slice(0, size);
    const gone = brokers.findIndex((b) => b.exited());
    if (gone >= 0) throw new Error(`instance ${gone + 1} of the fleet exited`);
    await Promise.all(brokers.map((b) => b.settle(settleTimeoutMs)));
    return brokers;
  }

  /** SIGTERM to every started instance (in parallel). */
  async stop(): Promise<FleetStopped> {
    const stopped = await Promise.all(
      this.started.map(async (broker, i) => ({ broker, i, exitCode: await broker.stop() })),
    );
    this.started.length = 0;
    return {
      failures: stopped.flatMap(({ broker, i, exitCode }) =>
        stoppedBrokerFailures(`instance ${i + 2} (pid ${broker.pid})`, exitCode, broker.problems),
      ),
      warnings: stopped.flatMap(({ broker }) => broker.problems.map((p) => p.line)),
    };
  }
}
