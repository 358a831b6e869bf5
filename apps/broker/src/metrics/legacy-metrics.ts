import type { IgnoreReason, SessionFrameType } from "@mesh/shared";
import { IGNORE_REASONS } from "@mesh/shared";
import { Registry } from "prom-client";
import { type PriorityLabel, RETIRED_REASONS, type RetiredReason, type SessionCloseCause } from "./metric-labels.ts";
import { HOOK_BUCKETS, metricSeries, SEND_COMMIT_BUCKETS } from "./metric-series.ts";

/**
 * The series under their names before the `mesh_broker_` prefix
 * (`broker_*`), kept for one release beside the new ones so dashboards and
 * alerts can move over (DEPLOY.md#metrics). {@link BrokerMetrics} feeds both;
 * remove this file in the release after.
 */
export class LegacyMetrics {
  readonly registry = new Registry();
  private readonly series = metricSeries(this.registry, "broker_");

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
    "WebSocket sessions refused, by reason.",
    ["reason"] as const,
  );
  private readonly messagesRouted = this.series.counter(
    "messages_routed_total",
    "Envelopes accepted and committed, by priority.",
    ["priority"] as const,
  );
  private readonly messagesRejected = this.series.counter("messages_rejected_total", "Envelopes refused, by reason.", [
    "reason",
  ] as const);
  private readonly queueDepth = this.series.gauge(
    "queue_depth",
    "Undelivered envelopes (queue rows) in Postgres that count against the queue caps.",
  );
  private readonly queueMembersOverShare = this.series.gauge(
    "queue_members_over_share",
    "Members holding more than half of MEMBER_QUEUE_CAP undelivered envelopes, as recipients or as senders.",
  );
  private readonly queueOldestUndelivered = this.series.gauge(
    "queue_oldest_undelivered_seconds",
    "Age of the oldest undelivered envelope that counts against the queue caps (0 when there is none).",
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
    "POST /hook/set-status requests received.",
  );
  private readonly hookRateLimited = this.series.counter(
    "hook_requests_rate_limited_total",
    "Hook requests refused with 429.",
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

  constructor() {
    this.dbHealthy.set(0);
    this.queueDepth.set(0);
    this.queueMembersOverShare.set(0);
    this.queueOldestUndelivered.set(0);
    this.wakeListening.set(0);
    for (const flipped of ["true", "false"]) this.ttlSweeps.inc({ flipped }, 0);
    for (const reason of RETIRED_REASONS) this.envelopesRetiredTotal.inc({ reason }, 0);
    for (const reason of IGNORE_REASONS) this.framesIgnored.inc({ reason }, 0);
  }

  connectionOpened(): void {
    this.connectionsActive.inc();
    this.connectionsTotal.inc();
  }
  connectionClosed(): void {
    this.connectionsActive.dec();
  }
  connectionRejected(reason: string): void {
    this.connectionsRejected.inc({ reason });
  }
  messageRouted(priority: PriorityLabel): void {
    this.messagesRouted.inc({ priority });
  }
  messageRejected(reason: string): void {
    this.messagesRejected.inc({ reason });
  }
  /** Database-wide, on every instance (the old scheme). */
  queueMeasured(gauges: { depth: number; membersOverShare: number; oldestUndeliveredSeconds: number }): void {
    this.queueDepth.set(gauges.depth);
    this.queueMembersOverShare.set(gauges.membersOverShare);
    this.queueOldestUndelivered.set(gauges.oldestUndeliveredSeconds);
  }
  broadcastRecipientsSkipped(count: number): void {
    if (count > 0) this.broadcastSkips.inc(count);
  }
  ttlSwept(flippedAny: boolean): void {
    this.ttlSweeps.inc({ flipped: flippedAny ? "true" : "false" });
  }
  hookReceived(): void {
    this.hookRequests.inc();
  }
  hookRateLimitedOnce(): void {
    this.hookRateLimited.inc();
  }
  dbHealthChanged(healthy: boolean): void {
    this.dbHealthy.set(healthy ? 1 : 0);
  }
  sendCommitted(seconds: number): void {
    this.sendCommitSeconds.observe(seconds);
  }
  hookHandled(seconds: number): void {
    this.hookSeconds.observe(seconds);
  }
  envelopesRetired(reason: RetiredReason, count: number): void {
    if (count > 0) this.envelopesRetiredTotal.inc({ reason }, count);
  }

  wakeListenerChanged(listening: boolean): void {
    this.wakeListening.set(listening ? 1 : 0);
  }
  wakeReceived(): void {
    this.wakesReceived.inc();
  }
  sessionClosedForCause(reason: SessionCloseCause): void {
    this.sessionsClosedByBroker.inc({ reason });
  }
  frameRateLimited(type: SessionFrameType): void {
    this.framesRateLimited.inc({ type });
  }
  frameIgnored(reason: IgnoreReason): void {
    this.framesIgnored.inc({ reason });
  }
  instancesReapedCount(count: number): void {
    if (count > 0) this.instancesReaped.inc(count);
  }
}
