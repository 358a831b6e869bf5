import { randomInt } from "node:crypto";
import { addMember, createMesh } from "../../../../apps/broker/test/helpers/mesh-fixtures.ts";
import type { Attack } from "../attack.ts";
import type { AttackSocket } from "../net/attack-socket.ts";
import { openSession } from "../net/hello.ts";
import { bucketAllowance, formatMs } from "../stats.ts";
import { startVictimPair } from "../victims.ts";

const FRAME_RATE = 20;
const ATTACKER_SOCKETS = 4;
/** What the attacker offers on each socket, per second and per kind (list_peers, set_status): ten times the limit. */
const OFFERED_PER_SECOND = 200;
const TICK_MS = 20;
const SESSIONS_PER_FILLER = 4;
/**
 * The victim's p95 during the flood may be this many times its baseline p99,
 * or up to the floor, and no envelope may wait longer than STALL_MS: on a
 * shared 2-core machine the baseline is 10-50 ms, the set_status the limit
 * lets through (each a status change and a drain) add 50-110 ms of tail on
 * their own, and a p99 of ~150 samples is the second-worst send, which one
 * scheduler hiccup of a busy CI machine moves (273 ms once, 14 ms baseline).
 * The check is there for stalls, not jitter; the rate checks bound the flood.
 */
const P95_FACTOR = 5;
const P95_FLOOR_MS = 250;
const STALL_MS = 2000;

const randomAscii = (n: number) => Array.from({ length: n }, () => String.fromCharCode(randomInt(0x21, 0x7f))).join("");

/** What one flooding socket pulled. */
interface Pulled {
  bytes: number;
  peersListBytes: number;
  peersLists: number;
  statuses: number;
  errors: number;
}

/**
 * Counts what comes back on `socket` and offers OFFERED_PER_SECOND
 * `list_peers` and as many `set_status` a second, whatever the answers are
 * (a fixed offered load: the harness stays light, whatever the broker does).
 */
function flood(socket: AttackSocket): { pulled: Pulled; stop: () => void } {
  const pulled: Pulled = { bytes: 0, peersListBytes: 0, peersLists: 0, statuses: 0, errors: 0 };
  let running = true;
  socket.stopRecording();
  socket.onFrame((frame, bytes) => {
    if (!running) return;
    pulled.bytes += bytes;
    if (frame.type === "peers_list") {
      pulled.peersLists += 1;
      pulled.peersListBytes += bytes;
    } else if (frame.type === "status") pulled.statuses += 1;
    else if (frame.type === "error") pulled.errors += 1;
  });
  const perTick = (OFFERED_PER_SECOND * TICK_MS) / 1000;
  let n = 0;
  const timer = setInterval(() => {
    for (let i = 0; i < perTick; i++) {
      socket.send({ type: "list_peers", _reqId: n });
      socket.send({ type: "set_status", status: n % 2 ? "working" : "idle", _reqId: n });
      n += 1;
    }
  }, TICK_MS);
  return {
    pulled,
    stop: () => {
      running = false;
      clearInterval(timer);
    },
  };
}

/**
 * Peers with long cwds and summaries make every `peers_list` large; one
 * member asks for it (and flips its status) as fast as the broker answers,
 * on several sessions, pulling megabytes a second out of Postgres and the
 * broker while everyone else waits.
 */
export const peersAmplification: Attack = {
  number: 14,
  key: "peers-amplification",
  name: "list_peers amplification",
  run: async (ctx) => {
    const target = await ctx.openTarget({ FRAME_RATE_LIMIT_PER_SEC: String(FRAME_RATE) });
    const mesh = await createMesh(target.sql, "amplification mesh");
    const fillers = await Promise.all(
      Array.from({ length: Math.ceil(ctx.sizes.amplificationFillerSessions / SESSIONS_PER_FILLER) }, (_, i) =>
        addMember(target.sql, mesh, { displayName: `filler-${i}` }),
      ),
    );
    for (let i = 0; i < ctx.sizes.amplificationFillerSessions; i++) {
      const member = fillers[Math.floor(i / SESSIONS_PER_FILLER)];
      if (!member) break;
      const { socket } = await openSession(target.wsUrl, member, { cwd: `/${randomAscii(1999)}` });
      ctx.resources.hold(socket, (s) => s.close());
      socket.send({ type: "set_summary", summary: randomAscii(1000) });
      socket.stopRecording();
    }
    const attacker = await addMember(target.sql, mesh, { displayName: "amplifier" });
    const sockets: AttackSocket[] = [];
    for (let i = 0; i < ATTACKER_SOCKETS; i++) {
      sockets.push(ctx.resources.hold((await openSession(target.wsUrl, attacker)).socket, (s) => s.close()));
    }
    const victims = await startVictimPair(target, ctx.sizes.victimBaselineMs);

    victims.during();
    const started = performance.now();
    const floods = sockets.map(flood);
    await Bun.sleep(ctx.sizes.amplificationSeconds * 1000);
    for (const f of floods) f.stop();
    const seconds = (performance.now() - started) / 1000;
    const pulls = floods.map((f) => f.pulled);
    const victim = await victims.stop();

    const total = pulls.reduce(
      (t, p) => ({
        bytes: t.bytes + p.bytes,
        peersListBytes: t.peersListBytes + p.peersListBytes,
        peersLists: t.peersLists + p.peersLists,
        statuses: t.statuses + p.statuses,
        errors: t.errors + p.errors,
      }),
      { bytes: 0, peersListBytes: 0, peersLists: 0, statuses: 0, errors: 0 },
    );
    const perSession = (n: number) => n / ATTACKER_SOCKETS / seconds;
    const allowance = bucketAllowance(FRAME_RATE, seconds);
    const worstLists = Math.max(...pulls.map((p) => p.peersLists));
    const worstStatuses = Math.max(...pulls.map((p) => p.statuses));
    const mbPerSecond = total.bytes / 1024 / 1024 / seconds;
    const before = victim.beforeP99Ms ?? 0;
    const p95Bound = Math.max(P95_FACTOR * before, P95_FLOOR_MS);
    const listKb = total.peersLists > 0 ? total.peersListBytes / total.peersLists / 1024 : 0;
    return {
      figure: `${mbPerSecond.toFixed(1)} MB/s pulled (${perSession(total.peersLists).toFixed(0)} peers_list/s of ${listKb.toFixed(0)} KB and ${perSession(total.statuses).toFixed(0)} status/s per session)`,
      checks: [
        {
          name: `FRAME_RATE_LIMIT_PER_SEC (${FRAME_RATE}) bounds list_peers answers per session`,
          ok: worstLists <= allowance,
          detail: `busiest session got ${worstLists} peers_list in ${seconds.toFixed(1)} s (allowance ${allowance})`,
        },
        {
          name: `FRAME_RATE_LIMIT_PER_SEC (${FRAME_RATE}) bounds set_status answers per session`,
          ok: worstStatuses <= allowance,
          detail: `busiest session got ${worstStatuses} status in ${seconds.toFixed(1)} s (allowance ${allowance}); ${total.errors} errors`,
        },
        {
          name: `the victim pair's p95 stays within ${P95_FACTOR}× its baseline p99 (or ${P95_FLOOR_MS} ms), none waits ${STALL_MS} ms, all arrive`,
          ok:
            victim.duringP95Ms !== undefined &&
            victim.duringP95Ms <= p95Bound &&
            (victim.duringMaxMs ?? Number.POSITIVE_INFINITY) < STALL_MS &&
            victim.delivered === victim.sent,
          detail: `p99 ${formatMs(victim.beforeP99Ms)} → p95 ${formatMs(victim.duringP95Ms)}, p99 ${formatMs(victim.duringP99Ms)}, max ${formatMs(victim.duringMaxMs)} (bound ${formatMs(p95Bound)}); ${victim.delivered}/${victim.sent} delivered`,
        },
      ],
      notes: [
        `${ctx.sizes.amplificationFillerSessions} listed sessions with 2000-character cwds and 1000-character summaries; ${ATTACKER_SOCKETS} sockets each offered ${OFFERED_PER_SECOND} list_peers/s and ${OFFERED_PER_SECOND} set_status/s`,
        `pulled ${(total.bytes / 1024 / 1024).toFixed(1)} MB in ${seconds.toFixed(1)} s, ${(total.peersListBytes / 1024 / 1024).toFixed(1)} MB of it peers_list; ${total.errors} error frames`,
      ],
      victim,
    };
  },
};
