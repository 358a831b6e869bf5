import { IGNORE_REASONS, type IgnoreReason, type SessionFrameType } from "@mesh/shared";
import { collectDefaultMetrics, Registry } from "prom-client";
import { LegacyMetrics } from "./legacy-metrics.ts";
import {
  type HookResultLabel,
  type JoinOutcomeLabel,
  PRIORITY_LABELS,
  type PriorityLabel,
  type PushMode,
  type QueueGauges,
  RETIRED_REASONS,
  type RetiredReason,
  type SessionCloseCause,
} from "./metric-labels.ts";
import { HOOK_BUCKETS, metricSeries, SEND_COMMIT_BUCKETS } from "./metric-series.ts";

/** Send→push latency buckets: 1 ms to 60 s. */
const SEND_TO_PUSH_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

/**
 * The broker's Prometheus series behind verbs; handlers never touch
 * prom-client directly. Owns its registry, so several brokers in one process
 * (tests) never share counters. Every verb also feeds the `broker_*` names of
 * the previous release ({@link LegacyMetrics}).
 */
export class BrokerMetrics {
  private readonly own = new Registry();
  /** Every series of this registry starts with `mesh_broker_` (Prometheus naming: one application prefix). */
  private readonly series = metricSeries(this.own, "mesh_broker_");
  private readonly legacy = new LegacyMetrics();
  /** Both name sets, plus the process default metrics. */
  readonly registry: Registry;

  private readonly buildInfoGauge = this.series.gauge("build_info", "Always 1; labels name the running build.", [
    "version",
    "git_sha",
  ] as const);
  private readonly connectionsActive = this.series.gauge(
    "connections_active",
    "Open, authenticated WebSocket sessions on this instance.",
  );
  private readonly connectionsTotal = this.series.counter(
    "connections_total",
    "WebSocket sessions authenticated since start.",
  );
  private readonly connectionsRejected = this.series.counter(
    "connections_rejected_total",
    "WebSocket sessions refused, by error code.",
    ["reason"] as const,
  );
  private readonly messagesRouted = this.series.counter(
    "messages_routed_total",
    "Envelopes accepted and committed, by priority.",
    ["priority"] as const,
  );
  private readonly messagesRejected = this.series.counter(
    "messages_rejected_total",
    "Envelopes refused, by error code.",
    ["reason"] as const,
  );
  private readonly envelopesPushed = this.series.counter(
    "envelopes_pushed_total",
    "Queue rows written to a session's socket (once per drain, however many sessions of the recipient took it), by how they settle: ack (client_ack) or handoff (delivered on write).",
    ["mode"] as const,
  );
  private readonly envelopesAcknowledged = this.series.counter(
    "envelopes_acknowledged_total",
    "client_acks that matched a queue row of the acknowledging member (a repeated ack counts again).",
  );
  private readonly envelopesRedelivered = this.series.counter(
    "envelopes_redelivered_total",
    "Pushes of a queue row already pushed before: its lease ran out, or its session ended, before a client_ack.",
  );
  private readonly envelopesExpired = this.series.counter(
    "envelopes_expired_total",
    "Undelivered queue rows deleted past their expiry (or the undelivered max age) by this instance's retention sweep.",
  );
  private readonly sendToPushSeconds = this.series.histogram(
    "send_to_push_seconds",
    "Time from an envelope's commit (or, when later, the start of the recipient session that took it) to its first push, by priority.",
    SEND_TO_PUSH_BUCKETS,
    ["priority"] as const,
  );
  private readonly queueReporter = this.series.gauge(
    "queue_reporter",
    "1 on the instance that reports the database-wide queue gauges (the oldest live one in the registry), else 0.",
  );
  private readonly queueDepth = this.series.gauge(
    "queue_depth",
    "Undelivered envelopes in Postgres that count against the queue caps; reported by one instance (queue_reporter), 0 on the others.",
  );
  private readonly queueMembersOverShare = this.series.gauge(
    "queue_members_over_share",
    "Members holding more than half of MEMBER_QUEUE_CAP undelivered envelopes, as recipients or as senders; reported by one instance.",
  );
  private readonly queueOldestUndelivered = this.series.gauge(
    "queue_oldest_undelivered_seconds",
    "Age of the oldest undelivered envelope that counts against the queue caps (0 when there is none); reported by one instance.",
  );
  private readonly queueOldestDeliverable = this.series.gauge(
    "queue_oldest_deliverable_seconds",
    "Age of the oldest undelivered, unleased envelope that a live session of its recipient may take now (0 when there is none); reported by one instance.",
  );
  private readonly broadcastSkips = this.series.counter(
    "broadcast_recipients_skipped_total",
    "Broadcast copies not stored because their recipient held its MEMBER_QUEUE_CAP share.",
  );
  private readonly ttlSweeps = this.series.counter(
    "ttl_sweeps_total",
    "TTL sweeps, by whether the sweep flipped any session to idle.",
    ["flipped"] as const,
  );
  private readonly hookRequests = this.series.counter(
    "hook_requests_total",
    "POST /hook/set-status requests answered, by result: ok, or the error code (rate_limited, bad_hook_token, ...).",
    ["result"] as const,
  );
  private readonly joinRequests = this.series.counter(
    "join_requests_total",
    "POST /join requests answered, by outcome: joined, already_member, or the error code.",
    ["outcome"] as const,
  );
  private readonly dbHealthy = this.series.gauge("db_healthy", "1 while the DB-ping sweeper reaches Postgres, else 0.");
  private readonly sendCommitSeconds = this.series.histogram(
    "send_commit_seconds",
    "Time from a send frame's arrival to its commit in Postgres.",
    SEND_COMMIT_BUCKETS,
  );
  private readonly envelopesRetiredTotal = this.series.counter(
    "envelopes_retired_total",
    "Queue rows deleted by the retention sweep, by reason.",
    ["reason"] as const,
  );
  private readonly hookSeconds = this.series.histogram(
    "hook_duration_seconds",
    "Time to handle a hook request.",
    HOOK_BUCKETS,
  );
  private readonly wakeListening = this.series.gauge(
    "wake_listener_up",
    "1 while this instance LISTENs for wake-ups from other instances, else 0.",
  );
  private readonly wakesReceived = this.series.counter(
    "wake_notifications_received_total",
    "Wake-up notifications received from other instances.",
  );
  private readonly framesIgnored = this.series.counter(
    "frames_ignored_total",
    "Frames of authenticated sessions dropped without an answer, by reason (dropped_type, unknown_type, foreign_client_ack).",
    ["reason"] as const,
  );
  private readonly sessionsClosedByBroker = this.series.counter(
    "sessions_closed_total",
    "Open sessions the broker closed for cause, by reason (frame_flood, member_revoked, mesh_archived).",
    ["reason"] as const,
  );
  private readonly framesRateLimited = this.series.counter(
    "frames_rate_limited_total",
    "Frames other than send refused with rate_limited, by frame type (known types only).",
    ["type"] as const,
  );
  private readonly instancesReaped = this.series.counter(
    "instances_reaped_total",
    "Other instances this one found silent and whose sessions it reaped.",
  );

  private readonly pushedAck = this.envelopesPushed.labels({ mode: "ack" });
  private readonly pushedHandoff = this.envelopesPushed.labels({ mode: "handoff" });
  private readonly sendToPush = new Map(
    PRIORITY_LABELS.map((p) => [p, this.sendToPushSeconds.labels({ priority: p })]),
  );

  constructor(options: { defaultMetrics?: boolean } = {}) {
    if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: this.own });
    this.registry = Registry.merge([this.own, this.legacy.registry]);
    for (const g of [
      this.dbHealthy,
      this.queueReporter,
      this.queueDepth,
      this.queueMembersOverShare,
      this.queueOldestUndelivered,
      this.queueOldestDeliverable,
      this.wakeListening,
    ])
      g.set(0);
    // Series that exist before their first event, so rate() and absent() see them from the first scrape.
    for (const priority of PRIORITY_LABELS) this.sendToPushSeconds.zero({ priority });
    this.pushedAck.inc(0);
    this.pushedHandoff.inc(0);
    for (const flipped of ["true", "false"]) this.ttlSweeps.inc({ flipped }, 0);
    for (const reason of RETIRED_REASONS) this.envelopesRetiredTotal.inc({ reason }, 0);
    for (const reason of IGNORE_REASONS) this.framesIgnored.inc({ reason }, 0);
    for (const outcome of ["joined", "already_member"]) this.joinRequests.inc({ outcome }, 0);
    for (const result of ["ok", "rate_limited"]) this.hookRequests.inc({ result }, 0);
  }

  /** `mesh_broker_build_info{version,git_sha} 1`. */
  buildInfo(build: { version: string; gitSha: string }): void {
    this.buildInfoGauge.set({ version: build.version, git_sha: build.gitSha }, 1);
  }
  connectionOpened(): void {
    this.connectionsActive.inc();
    this.connectionsTotal.inc();
    this.legacy.connectionOpened();
  }
  connectionClosed(): void {
    this.connectionsActive.dec();
    this.legacy.connectionClosed();
  }
  connectionRejected(reason: string): void {
    this.connectionsRejected.inc({ reason });
    this.legacy.connectionRejected(reason);
  }
  messageRouted(priority: PriorityLabel): void {
    this.messagesRouted.inc({ priority });
    this.legacy.messageRouted(priority);
  }
  messageRejected(reason: string): void {
    this.messagesRejected.inc({ reason });
    this.legacy.messageRejected(reason);
  }
  /**
   * A queue row was written to a session. `pushes` counts this push (the
   * row's pushes so far): above 1 it is a redelivery, and only a first push
   * observes the send→push latency, `waitedSeconds`.
   */
  envelopePushed(priority: PriorityLabel, mode: PushMode, pushes: number, waitedSeconds: number): void {
    (mode === "ack" ? this.pushedAck : this.pushedHandoff).inc();
    if (pushes > 1) this.envelopesRedelivered.inc();
    else this.sendToPush.get(priority)?.observe(Math.max(0, waitedSeconds));
  }
  envelopeAcknowledged(): void {
    this.envelopesAcknowledged.inc();
  }
  queueMeasured(gauges: QueueGauges): void {
    this.legacy.queueMeasured(gauges);
    const shown = gauges.reporting ? gauges : undefined;
    this.queueReporter.set(gauges.reporting ? 1 : 0);
    this.queueDepth.set(shown?.depth ?? 0);
    this.queueMembersOverShare.set(shown?.membersOverShare ?? 0);
    this.queueOldestUndelivered.set(shown?.oldestUndeliveredSeconds ?? 0);
    this.queueOldestDeliverable.set(shown?.oldestDeliverableSeconds ?? 0);
  }
  broadcastRecipientsSkipped(count: number): void {
    if (count > 0) this.broadcastSkips.inc(count);
    this.legacy.broadcastRecipientsSkipped(count);
  }
  ttlSwept(flippedAny: boolean): void {
    this.ttlSweeps.inc({ flipped: flippedAny ? "true" : "false" });
    this.legacy.ttlSwept(flippedAny);
  }
  /** A hook request arrived (the old unlabelled counter; the new one counts answers, {@link hookAnswered}). */
  hookReceived(): void {
    this.legacy.hookReceived();
  }
  /** A hook request was answered with `result` after `seconds`. */
  hookAnswered(result: HookResultLabel, seconds: number): void {
    this.hookRequests.inc({ result });
    this.hookSeconds.observe(seconds);
    this.legacy.hookHandled(seconds);
    if (result === "rate_limited") this.legacy.hookRateLimitedOnce();
  }
  joinAnswered(outcome: JoinOutcomeLabel): void {
    this.joinRequests.inc({ outcome });
  }
  dbHealthChanged(healthy: boolean): void {
    this.dbHealthy.set(healthy ? 1 : 0);
    this.legacy.dbHealthChanged(healthy);
  }
  sendCommitted(seconds: number): void {
    this.sendCommitSeconds.observe(seconds);
    this.legacy.sendCommitted(seconds);
  }
  envelopesRetired(reason: RetiredReason, count: number): void {
    if (count <= 0) return;
    this.envelopesRetiredTotal.inc({ reason }, count);
    if (reason === "expired") this.envelopesExpired.inc(count);
    this.legacy.envelopesRetired(reason, count);
  }
  wakeListenerChanged(listening: boolean): void {
    this.wakeListening.set(listening ? 1 : 0);
    this.legacy.wakeListenerChanged(listening);
  }
  wakeReceived(): void {
    this.wakesReceived.inc();
    this.legacy.wakeReceived();
  }
  sessionClosedForCause(reason: SessionCloseCause): void {
    this.sessionsClosedByBroker.inc({ reason });
    this.legacy.sessionClosedForCause(reason);
  }
  frameRateLimited(type: SessionFrameType): void {
    this.framesRateLimited.inc({ type });
    this.legacy.frameRateLimited(type);
  }
  frameIgnored(reason: IgnoreReason): void {
    this.framesIgnored.inc({ reason });
    this.legacy.frameIgnored(reason);
  }
  instancesReapedCount(count: number): void {
    if (count > 0) this.instancesReaped.inc(count);
    this.legacy.instancesReapedCount(count);
  }

  /** The Prometheus text exposition of every series. */
  render(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
