import { type HttpInput, httpInput } from "./generators/http-bodies.ts";
import { preHelloInput, sessionInput, type WsInput } from "./generators/ws-frames.ts";
import { Prng } from "./prng.ts";

/** How many inputs each lane gets per round. */
export interface RoundSize {
  preHello: number;
  session: number;
  http: number;
}

export const QUICK_ROUND: RoundSize = { preHello: 60, session: 90, http: 70 };
export const FULL_ROUND: RoundSize = { preHello: 700, session: 1100, http: 900 };

/** One round's inputs; the same seed always gives the same round. */
export interface Round {
  preHello: WsInput[];
  session: WsInput[];
  http: HttpInput[];
  slow: Prng;
}

/** Generates a round: each lane draws from its own fork, so lanes do not disturb each other. */
export function generateRound(seed: number, size: RoundSize): Round {
  const root = new Prng(seed);
  const preHelloRng = root.fork();
  const sessionRng = root.fork();
  const httpRng = root.fork();
  const slow = root.fork();
  return {
    preHello: Array.from({ length: size.preHello }, () => preHelloInput(preHelloRng)),
    session: Array.from({ length: size.session }, () => sessionInput(sessionRng)),
    http: Array.from({ length: size.http }, () => httpInput(httpRng)),
    slow,
  };
}
