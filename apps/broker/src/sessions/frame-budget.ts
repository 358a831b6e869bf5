import type { SessionFrameType } from "@mesh/shared";
import { type TakeResult, TokenBucket } from "../lib/token-bucket.ts";

/**
 * What one socket may make the broker do (docs/protocol.md#limits): frames
 * waiting to be handled, by count and bytes (past either the session is
 * closed: `frame_flood`), and a token bucket per frame type for everything
 * but `send` (its own per-member limit) and `client_ack` (one per push the
 * broker chose to make). `list_peers` answers with the whole mesh, so it gets
 * a tenth of the rate. Pure: the caller passes the clock.
 */
export class FrameBudget {
  private frames = 0;
  private bytes = 0;
  private readonly buckets = new Map<string, TokenBucket>();

  constructor(
    private readonly limits: { maxPendingFrames: number; maxPendingBytes: number; framesPerSecond: number },
  ) {}

  /** A frame arrived: false when it would put the socket over its waiting budget. */
  admit(bytes: number): boolean {
    if (this.frames + 1 > this.limits.maxPendingFrames || this.bytes + bytes > this.limits.maxPendingBytes) {
      return false;
    }
    this.frames += 1;
    this.bytes += bytes;
    return true;
  }

  /** An admitted frame was handled (or dropped). */
  done(bytes: number): void {
    this.frames -= 1;
    this.bytes -= bytes;
  }

  /** Frames admitted and not yet handled. */
  get pending(): { frames: number; bytes: number } {
    return { frames: this.frames, bytes: this.bytes };
  }

  /**
   * Takes a token for one frame of `type` at `now` (`other` for types the
   * broker drops). `send` and `client_ack` are never limited here.
   */
  take(type: SessionFrameType | "other", now: number): TakeResult {
    if (type === "send" || type === "client_ack") return { ok: true };
    let bucket = this.buckets.get(type);
    if (!bucket) {
      const perSecond =
        type === "list_peers" ? Math.max(1, this.limits.framesPerSecond / 10) : this.limits.framesPerSecond;
      // Bursts up to twice the rate.
      bucket = new TokenBucket(Math.max(1, Math.round(perSecond * 2)), 2000, now);
      this.buckets.set(type, bucket);
    }
    return bucket.take(now);
  }
}
