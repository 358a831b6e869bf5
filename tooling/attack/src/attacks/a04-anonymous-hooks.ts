import { randomBytes } from "node:crypto";
import type { Sql } from "@mesh/db";
import { addMember, createMesh } from "../../../../apps/broker/test/helpers/mesh-fixtures.ts";
import type { Attack, Check } from "../attack.ts";
import type { AttackSocket } from "../net/attack-socket.ts";
import { openSession } from "../net/hello.ts";
import { describeAnswer, type HttpAnswer, post } from "../net/http.ts";
import { answerOf, sendFrame } from "../net/sends.ts";
import { bucketAllowance, formatMs } from "../stats.ts";
import type { Target } from "../target/attack-target.ts";
import { startVictimPair } from "../victims.ts";

const TTL_SECONDS = 2;
const PER_ADDRESS_PER_MIN = 60;
const MAX_PENDING = 50;
const VICTIM_PID = 5001;
const FLOOD_CONCURRENCY = 8;

const hookUrl = (target: Target) => `${target.httpUrl}/hook/set-status`;

async function statusOf(sql: Sql, presenceId: string): Promise<string> {
  const [row] = await sql<{ status: string; source: string }[]>`
    select status, status_source as source from mesh.presence where id = ${presenceId}`;
  return row ? `${row.status} (${row.source})` : "gone";
}

/** Sets a session back to idle by hand, so the next probe starts clean. */
async function backToIdle(socket: AttackSocket): Promise<void> {
  socket.send({ type: "set_status", status: "idle", _reqId: "reset" });
  await socket.next((f) => f._reqId === "reset", 5000);
}

/** Tokenless hooks POSTed as fast as `concurrency` requests in flight allow, each with a fresh (pid, cwd). */
async function floodFreshKeys(target: Target, requests: number, prefix: string) {
  let next = 0;
  const statuses: Record<string, number> = {};
  const started = performance.now();
  await Promise.all(
    Array.from({ length: FLOOD_CONCURRENCY }, async () => {
      while (next < requests) {
        const i = next++;
        const answer = await post(hookUrl(target), { cwd: `${prefix}${i}`, pid: 100_000 + i, status: "working" });
        const key = describeAnswer(answer);
        statuses[key] = (statuses[key] ?? 0) + 1;
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const accepted = Object.entries(statuses)
    .filter(([k]) => k.startsWith("2"))
    .reduce((n, [, v]) => n + v, 0);
  return { statuses, seconds, accepted };
}

/**
 * Tokenless `POST /hook/set-status`: it finds sessions by cwd, outlives the
 * TTL by re-posting, sets the status of sessions that do not exist yet,
 * answers with the presence id, takes any content type and any Origin, and
 * its rate limit is keyed by what the caller writes. The cwd match and the
 * status posted before a hello are tried against a mesh of the default
 * profile: on a `claudemesh` mesh both are what claudemesh hooks need (they
 * carry no token and another pid than the hello's), a documented risk of
 * that profile, reported as a note.
 */
export const anonymousHooks: Attack = {
  number: 4,
  key: "anonymous-hooks",
  name: "anonymous hooks",
  run: async (ctx) => {
    const target = await ctx.openTarget({
      HOOK_ALLOW_ANONYMOUS: "true",
      STATUS_TTL_SECONDS: String(TTL_SECONDS),
      SWEEP_INTERVAL_MS: "250",
      HOOK_RATE_LIMIT_PER_ADDRESS_PER_MIN: String(PER_ADDRESS_PER_MIN),
      MAX_PENDING_STATUSES: String(MAX_PENDING),
    });
    const run = randomBytes(4).toString("hex");
    const mesh = await createMesh(target.sql, "claudemesh mesh", { profile: "claudemesh" });
    const [victimMember, senderMember] = await Promise.all(
      ["victim", "sender"].map((displayName) => addMember(target.sql, mesh, { displayName })),
    );
    // A mesh of the default profile (strict where profiles exist): what a tokenless hook must never reach.
    const defaultMesh = await createMesh(target.sql, "default mesh");
    const [guardedMember, lateMember] = await Promise.all(
      ["guarded", "late"].map((displayName) => addMember(target.sql, defaultMesh, { displayName })),
    );
    if (!victimMember || !senderMember || !guardedMember || !lateMember) throw new Error("fixture members missing");
    const victimCwd = `/work/projects/victim-${run}`;
    const victim = await openSession(target.wsUrl, victimMember, { pid: VICTIM_PID, cwd: victimCwd });
    const victimPresence = String(victim.ack.presenceId);
    const sender = (await openSession(target.wsUrl, senderMember)).socket;
    const answers: HttpAnswer[] = [];
    const hook = async (body: Record<string, unknown>, headers: Record<string, string> = {}, raw?: string) => {
      const answer = await post(hookUrl(target), raw ?? body, headers);
      answers.push(answer);
      return answer;
    };
    const checks: Check[] = [];

    // (a) Another agent in the same folder (another pid) reaches a session of the default profile.
    const guardedCwd = `/work/projects/guarded-${run}`;
    const guarded = await openSession(target.wsUrl, guardedMember, { pid: VICTIM_PID + 2, cwd: guardedCwd });
    const guardedPresence = String(guarded.ack.presenceId);
    const wrongPid = await hook({ cwd: guardedCwd, pid: VICTIM_PID + 1000, status: "working" });
    const afterWrongPid = await statusOf(target.sql, guardedPresence);
    checks.push({
      name: "a tokenless hook with the session's cwd but another pid leaves a default-profile session alone",
      ok: !afterWrongPid.startsWith("working"),
      detail: `answer ${describeAnswer(wrongPid)}; session now ${afterWrongPid}`,
    });
    const notes: string[] = [];
    const onClaudemesh = await hook({ cwd: victimCwd, pid: VICTIM_PID + 1000, status: "working" });
    notes.push(
      `on a claudemesh mesh a tokenless hook naming the session's cwd with another pid sets it (by design of that profile): answer ${describeAnswer(onClaudemesh)}, session now ${await statusOf(target.sql, victimPresence)}`,
    );
    await backToIdle(victim.socket);

    // (b) Re-posting `working` keeps a `next` envelope held past the TTL.
    const watchMs = ctx.sizes.holdWatchTtls * TTL_SECONDS * 1000;
    const repostMs = (TTL_SECONDS * 1000) / 3;
    await hook({ cwd: victimCwd, pid: VICTIM_PID, status: "working" });
    sender.send(sendFrame(victimMember.keys.publicKey, `held-${run}`, "next"));
    const sentAt = performance.now();
    const acked = await answerOf(sender, `held-${run}`, 10_000);
    const reposting = setInterval(() => void hook({ cwd: victimCwd, pid: VICTIM_PID, status: "working" }), repostMs);
    const held = await victim.socket.next((f) => f.type === "push", watchMs);
    clearInterval(reposting);
    const heldMs = held ? performance.now() - sentAt : undefined;
    checks.push({
      name: `re-posting working every ${formatMs(repostMs)} does not hold a next envelope much past STATUS_TTL_SECONDS (${TTL_SECONDS} s)`,
      ok: acked === "ack" && heldMs !== undefined && heldMs <= TTL_SECONDS * 1000 + 2000,
      detail: `send ${acked}; ${heldMs === undefined ? `still held after ${formatMs(watchMs)}` : `pushed after ${formatMs(heldMs)}`}`,
    });
    await backToIdle(victim.socket);

    // (c) A status posted for a cwd before any session there becomes the next default-profile session's status.
    const lateCwd = `/work/projects/late-${run}`;
    const early = await hook({ cwd: lateCwd, pid: null, status: "working" });
    const late = await openSession(target.wsUrl, lateMember, { pid: VICTIM_PID + 1, cwd: lateCwd });
    const lateStatus = await statusOf(target.sql, String(late.ack.presenceId));
    checks.push({
      name: "a tokenless hook posted before the hello does not set the new session's status",
      ok: !lateStatus.startsWith("working"),
      detail: `hook ${describeAnswer(early)}; session started ${lateStatus}`,
    });

    // (d) Did any tokenless answer name a session?
    const presenceIds = [victimPresence, guardedPresence, String(late.ack.presenceId)];
    const revealing = answers.filter((a) => presenceIds.some((id) => a.text.includes(id)));
    checks.push({
      name: "no tokenless answer reveals a session's presence_id",
      ok: revealing.length === 0,
      detail: `${revealing.length} of ${answers.length} answers named one`,
    });

    // (e) What a web page can send without a preflight: text/plain, and any Origin.
    const plain = await hook(
      {},
      { "content-type": "text/plain" },
      JSON.stringify({ cwd: `/tmp/p-${run}`, pid: 1, status: "working" }),
    );
    const origin = await hook({ cwd: `/tmp/o-${run}`, pid: 1, status: "working" }, { origin: "http://evil.example" });
    checks.push({
      name: "a body sent as text/plain and a request from a foreign Origin are refused",
      ok: plain.status >= 400 && origin.status >= 400,
      detail: `text/plain: ${describeAnswer(plain)}; Origin http://evil.example: ${describeAnswer(origin)}`,
    });

    // (f) A fresh (pid, cwd) per request walks around the per-(pid, cwd) limit.
    const victims = await startVictimPair(target, ctx.sizes.victimBaselineMs);
    victims.during();
    const prefix = `/tmp/flood-${run}-`;
    const flood = await floodFreshKeys(target, ctx.sizes.hookFloodRequests, prefix);
    const victimSummary = await victims.stop();
    const [pending] = await target.sql<{ n: number }[]>`
      select count(*)::int as n from mesh.pending_status where cwd like ${`${prefix}%`}`;
    const pendingRows = pending?.n ?? 0;
    const allowance = bucketAllowance(PER_ADDRESS_PER_MIN / 60, flood.seconds, 60);
    const rate = flood.accepted / flood.seconds;
    checks.push({
      name: `tokenless hooks from one address stay within HOOK_RATE_LIMIT_PER_ADDRESS_PER_MIN (${PER_ADDRESS_PER_MIN}) and MAX_PENDING_STATUSES (${MAX_PENDING})`,
      ok: flood.accepted <= allowance && pendingRows <= MAX_PENDING,
      detail: `${flood.accepted} of ${ctx.sizes.hookFloodRequests} accepted in ${flood.seconds.toFixed(1)} s (${rate.toFixed(0)}/s, allowance ${allowance}); ${pendingRows} pending rows; answers ${JSON.stringify(flood.statuses)}`,
    });

    await Promise.all([victim.socket.close(), sender.close(), late.socket.close(), guarded.socket.close()]);
    const open = checks.filter((c) => !c.ok).length;
    return {
      figure: `${open} of ${checks.length} holes open; ${rate.toFixed(0)} hooks/s accepted from one client, ${pendingRows} pending rows`,
      checks,
      notes,
      victim: victimSummary,
    };
  },
};
