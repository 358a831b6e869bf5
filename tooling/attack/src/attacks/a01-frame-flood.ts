import { addMember, createMesh } from "../../../../apps/broker/test/helpers/mesh-fixtures.ts";
import type { Attack } from "../attack.ts";
import { helloFor } from "../net/hello.ts";
import { openRawSession } from "../net/raw-session.ts";
import { encodeClientText } from "../net/ws-wire.ts";
import { mb, PeakSampler } from "../target/process-rss.ts";
import { startVictimPair } from "../victims.ts";

const MiB = 1024 * 1024;
/** How far above its baseline the broker's RSS may peak while the flood is refused. */
const PEAK_ALLOWANCE = 64 * MiB;
/** How close to its baseline RSS must come back once the sockets closed. */
const SETTLED_ALLOWANCE = 32 * MiB;
/** How long after the sockets closed RSS is read again. */
const SETTLE_MS = 2500;
/** One `list_peers` frame padded to 60 KB (unknown fields are ignored; the frame limit is 64 KiB). */
const FLOOD_FRAME = encodeClientText(JSON.stringify({ type: "list_peers", pad: "x".repeat(60 * 1024 - 40) }));

/**
 * One member opens several sessions and pipelines 60 KB `list_peers` frames
 * on each without reading a byte of the answers: each frame the broker has
 * read waits in its per-socket queue, in memory, until handled.
 */
export const frameFlood: Attack = {
  number: 1,
  key: "frame-flood",
  name: "frame flood",
  run: async (ctx) => {
    const { floodSockets, floodFramesPerSocket: perSocket } = ctx.sizes;
    const target = await ctx.openTarget({ WS_MAX_PENDING_FRAMES: "64", WS_MAX_PENDING_BYTES: String(MiB) });
    const mesh = await createMesh(target.sql, "flood mesh");
    const flooder = await addMember(target.sql, mesh, { displayName: "flooder" });
    const victims = await startVictimPair(target, ctx.sizes.victimBaselineMs);
    const rss = new PeakSampler(target.rssBytes);
    const baseline = rss.sample() ?? 0;
    const sessions = await Promise.all(
      Array.from({ length: floodSockets }, () => openRawSession(target.port, helloFor(flooder))),
    );

    ctx.progress(`${floodSockets} sockets × ${perSocket} frames of 60 KB, never read`);
    victims.during();
    rss.start(100);
    const writes = await Promise.all(sessions.map((s) => s.writeRepeatedly(FLOOD_FRAME, perSocket)));
    await Bun.sleep(ctx.quick ? 2000 : 6000);
    const readouts = await Promise.all(sessions.map((s) => s.readUntilClose(10_000, 1500)));
    for (const s of sessions) s.destroy();
    const victim = await victims.stop();
    await Bun.sleep(SETTLE_MS);
    const after = rss.sample() ?? 0;
    rss.stop();

    const closes = readouts.map((r) =>
      r.close ? `${r.close.code} ${r.close.reason}`.trim() : r.ended ? "dropped" : "open",
    );
    const answered = readouts.map((r) => r.textFrames);
    const refused = readouts.every((r) => (r.close !== undefined || r.ended) && r.textFrames < perSocket);
    const alive = target.alive();
    return {
      figure: `peak RSS ${mb(rss.peak)}, after ${mb(after)} (baseline ${mb(baseline)}); sockets ${[...new Set(closes)].join(", ")}`,
      checks: [
        {
          name: "the broker closed every flooding socket before handling its whole flood",
          ok: refused,
          detail: `closes: ${closes.join("; ")}; answers read: ${answered.join(", ")} of ${perSocket} each`,
        },
        {
          name: `peak RSS within ${mb(PEAK_ALLOWANCE)} of the baseline`,
          ok: alive && rss.peak - baseline <= PEAK_ALLOWANCE,
          detail: `+${mb(rss.peak - baseline)}${alive ? "" : "; the broker died"}`,
        },
        {
          name: `RSS back within ${mb(SETTLED_ALLOWANCE)} of the baseline 2.5 s after the sockets closed`,
          ok: alive && after - baseline <= SETTLED_ALLOWANCE,
          detail: `+${mb(after - baseline)}`,
        },
      ],
      notes: [
        `frames written: ${writes.map((w) => w.written).join(", ")}${writes.some((w) => w.failed) ? ` (write failures: ${writes.find((w) => w.failed)?.failed})` : ""}`,
      ],
      victim,
    };
  },
};
