import { httpBaseUrl } from "@mesh/sdk";
import { usageError } from "../../cli-error.ts";
import { type Command, stringOption } from "../command.ts";

/** Invites live at most this long. */
const MAX_EXPIRY_MS = 365 * 86_400_000;
/** More uses than this is no invite but a public door. */
const MAX_USES = 10_000;
/** The invite payload's limit (`invitePayload.broker_url`). */
const MAX_BROKER_URL_LENGTH = 2048;

/** `mesh admin invite --mesh S --broker-url URL`: writes a signed invite and prints its link. */
export const adminInviteCommand: Command = {
  name: "admin invite",
  summary: "write a signed invite for a mesh you own and print its ic://join/… link (operator)",
  options: {
    mesh: { type: "string", value: "SLUG", description: "the mesh (created with `mesh admin create-mesh`)" },
    "broker-url": { type: "string", value: "URL", description: "the broker's WebSocket URL, e.g. ws://host:7900/ws" },
    role: { type: "string", value: "ROLE", description: "member (default) or admin" },
    uses: { type: "string", value: "N", description: `how many agents may join with it (default 1, ≤ ${MAX_USES})` },
    expires: { type: "string", value: "DURATION", description: "valid for, e.g. 30m, 24h, 7d (default 24h)" },
  },
  async run(ctx) {
    if (ctx.positionals.length > 0) throw usageError(`unexpected argument "${ctx.positionals[0]}"`);
    const admin = await import("../../admin/index.ts");
    const slug = admin.parseMeshSlug(required(stringOption(ctx, "mesh"), "--mesh"));
    const brokerUrl = parseBrokerUrl(required(stringOption(ctx, "broker-url"), "--broker-url"));
    const role = stringOption(ctx, "role") ?? "member";
    if (role !== "member" && role !== "admin") throw usageError(`--role must be member or admin, not "${role}"`);
    const usesText = stringOption(ctx, "uses") ?? "1";
    const maxUses = /^\d{1,6}$/.test(usesText) ? Number(usesText) : Number.NaN;
    if (!(maxUses >= 1 && maxUses <= MAX_USES)) throw usageError(`--uses must be an integer from 1 to ${MAX_USES}`);
    const expiresText = stringOption(ctx, "expires") ?? "24h";
    const expiresInMs = admin.parseDuration(expiresText, MAX_EXPIRY_MS);
    if (expiresInMs === undefined) {
      throw usageError(`--expires "${expiresText}" is not a duration like 30m, 24h or 7d (at most 365d)`);
    }

    const database = await admin.openAdminDatabase(ctx.env);
    if (database.source.kind === "embedded") ctx.out.info(`using the embedded Postgres in ${database.source.dataDir}`);
    try {
      const invite = await admin
        .createInvite({ sql: database.client.sql, home: ctx.home }, { slug, brokerUrl, role, maxUses, expiresInMs })
        .catch((e: unknown) => {
          throw admin.asDatabaseError(e);
        });
      ctx.out.result(invite.link, { ok: true, ...invite });
      ctx.out.info(
        `invite to ${slug} as ${invite.role}: ${invite.uses} use${invite.uses === 1 ? "" : "s"}, expires ${invite.expiresAt}`,
      );
    } finally {
      await database.close();
    }
    return undefined;
  },
};

function required(value: string | undefined, flag: string): string {
  if (value === undefined || value.trim() === "") throw usageError(`${flag} is required`);
  return value;
}

/** The broker URL goes into the signed payload as given; it must be ws:// or wss://. */
function parseBrokerUrl(value: string): string {
  const trimmed = value.trim();
  if (trimmed.length > MAX_BROKER_URL_LENGTH) throw usageError(`--broker-url is longer than ${MAX_BROKER_URL_LENGTH}`);
  if (!/^wss?:\/\//i.test(trimmed)) throw usageError(`--broker-url must be a ws:// or wss:// URL, not "${value}"`);
  try {
    httpBaseUrl(trimmed);
  } catch (e: unknown) {
    throw usageError(`--broker-url: ${e instanceof Error ? e.message : String(e)}`);
  }
  return trimmed;
}
