import type { Attack } from "../attack.ts";
import { frameFlood } from "./a01-frame-flood.ts";
import { capReservation } from "./a02-cap-reservation.ts";
import { permanentQueueFull } from "./a03-permanent-queue-full.ts";
import { anonymousHooks } from "./a04-anonymous-hooks.ts";
import { revocation } from "./a05-revocation.ts";
import { terminalInjection } from "./a06-terminal-injection.ts";
import { nameSquatting } from "./a07-name-squatting.ts";
import { presenceChurn } from "./a08-presence-churn.ts";
import { joinForeignKey } from "./a09-join-foreign-key.ts";
import { sessionHog } from "./a10-session-hog.ts";
import { longCwd } from "./a11-long-cwd.ts";
import { readOnlyPostgres } from "./a12-read-only-postgres.ts";
import { sigtermDuringOutage } from "./a13-sigterm-outage.ts";
import { peersAmplification } from "./a14-peers-amplification.ts";

/** Every attack, in the order of issue 15. */
export const ATTACKS: readonly Attack[] = [
  frameFlood,
  capReservation,
  permanentQueueFull,
  anonymousHooks,
  revocation,
  terminalInjection,
  nameSquatting,
  presenceChurn,
  joinForeignKey,
  sessionHog,
  longCwd,
  readOnlyPostgres,
  sigtermDuringOutage,
  peersAmplification,
];
