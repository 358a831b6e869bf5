import type { IgnoreReason, SessionFrameType } from "@mesh/shared";
import { IGNORE_REASONS } from "@mesh/shared";
import { Counter, Gauge, Histogram, Registry } from "prom-client";
import { type PriorityLabel, RETIRED_REASONS, type RetiredReason, type SessionCloseCause } from "./metric-labels.ts";

/**
 * The series under their names before the `mesh_broker_` prefix
 * (`broker_*`), kept for one release beside the new ones so dashboards and
 * alerts can move over (DEPLOY.md#metrics). {@link BrokerMetrics} feeds both;
 * remove this file in the release after.
 */
export class LegacyMetrics {
  readonly registry = new Registry();

  private readonly connectionsActive = new Gauge({
    name: "broker_connections_active",
    help: "Open, authenticated WebSocket sessions on this instance.",
    registers: [this.registry],
  });
  private readonly connectionsTotal = new Counter({
    name: "broker_connections_total",
    help: "WebSocket sessions authenticated since start.",
    registers: [this.registry],
  });
  private readonly connectionsRejected = new Counter({
    name: "broker_connections_rejected_total",
    help: "WebSocket sessions refused, by reason.",
    labelNames: ["reason"] as const,
    registers: [this.registry],
  });
  private readonly messagesRouted = new Counter({
    name: "broker_messages_routed_total",
    help: "Envelopes accepted and committed, by priority.",
    labelNames: ["priority"] as const,
    registers: [this.registry],
  });
  private readonly messagesRejected = new Counter({
    name: "broker_messages_rejected_total",
    help: "Envelopes refused, by reason.",
    labelNames: ["reason"] as const,
    registers: [this.registry],
  });
  private readonly queueDepth = new Gauge({
    name: "broker_queue_depth",
    help: "Undelivered envelopes (queue rows) in Postgres that count against the queue caps.",
    registers: [this.registry],
  });
  private readonly queueMembersOverShare = new Gauge({
    name: "broker_queue_members_over_share",
    help: "Members holding more than half of MEMBER_QUEUE_CAP undelivered envelopes, as recipients or as senders.",
    registers: [this.registry],
  });
  private readonly queueOldestUndelivered = new Gauge({
    name: "broker_queue_oldest_undelivered_seconds",
    help: "Age of the oldest undelivered envelope that counts against the queue caps (0 when there is none).",
    registers: [this.registry],
  });
  private readonly broadcastSkips = new Counter({
    name: "broker_broadcast_recipients_skipped_total",
    help: "Broadcast copies not stored because their recipient held its MEMBER_QUEUE_CAP share.",
    registers: [this.registry],
  });
  private readonly ttlSweeps = new Counter({
    name: "broker_ttl_sweeps_total",
    help: "TTL sweeps, by whether the sweep flipped any session to idle.",
    labelNames: ["flipped"] as const,
    registers: [this.registry],
  });
  private readonly hookRequests = new Counter({
    name: "broker_hook_requests_total",
    help: "POST /hook/set-status requests received.",
    registers: [this.registry],
  });
  private readonly hookRateLimited = new Counter({
    name: "broker_hook_requests_rate_limited_total",
    help: "Hook requests refused with 429.",
    registers: [this.registry],
  });
  private readonly dbHealthy = new Gauge({
    name: "broker_db_healthy",
    help: "1 while the DB-ping sweeper reaches Postgres, else 0.",
    registers: [this.registry],
  });
  private readonly sendCommitSeconds = new Histogram({
    name: "broker_send_commit_seconds",
    help: "Time from a send frame's arrival to its commit in Postgres.",
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [this.registry],
  });
  private readonly envelopesRetiredTotal = new Counter({
    name: "broker_envelopes_retired_total",
    help: "Queue rows deleted by the retention sweep, by reason.",
    labelNames: ["reason"] as const,
    registers: [this.registry],
  });
  private readonly hookSeconds = new Histogram({
    name: "broker_hook_duration_seconds",
    help: "Time to handle a hook request.",
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
    registers: [this.registry],
  });

  private readonly wakeListening = new Gauge({
    name: "broker_wake_listener_up",
    help: "1 while this instance LISTENs for wake-ups from other instances, else 0.",
    registers: [this.registry],
  });
  private readonly wakesReceived = new Counter({
    name: "broker_wake_notifications_received_total",
    help: "Wake-up notifications received from other instances.",
    registers: [this.registry],
  });
  private readonly framesIgnored = new Counter({
    name: "broker_frames_ignored_total",
    help: "Frames of authenticated sessions dropped without an answer, by reason (dropped_type, unknown_type, foreign_client_ack).",
    labelNames: ["reason"] as const,
    registers: [this.registry],
  });
  private readonly sessionsClosedByBroker = new Counter({
    name: "broker_sessions_closed_total",
    help: "Open sessions the broker closed for cause, by reason (frame_flood, member_revoked, mesh_archived).",
    labelNames: ["reason"] as const,
    registers: [this.registry],
  });
  private readonly framesRateLimited = new Counter({
    name: "broker_frames_rate_limited_total",
    help: "Frames other than send refused with rate_limited, by frame type (known types only).",
    labelNames: ["type"] as const,
    registers: [this.registry],
  });
  private readonly instancesReaped = new Counter({
    name: "broker_instances_reaped_total",
    help: "Other instances this one found silent and whose sessions it reaped.",
    registers: [this.registry],
  });

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
