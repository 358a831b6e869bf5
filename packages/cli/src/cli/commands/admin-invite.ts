import { type AdminInvite, signInvite } from "@mesh/sdk";
import { adminInviteId, inviteLinkToken } from "@mesh/shared";
import { openAdminClient, requiredOption } from "../../admin/admin-connection.ts";
import { adminCall } from "../../admin/admin-failure.ts";
import { parseDuration } from "../../admin/duration.ts";
import { type Column, formatAge, plural } from "../../admin/table.ts";
import { CliError, usageError } from "../../cli-error.ts";
import { stringOption } from "../command.ts";
import { meshAdminCommand, printChange, printListing } from "./admin-command.ts";

/** Invites live at most this long. */
const MAX_EXPIRY_MS = 365 * 86_400_000;
/** More uses than this is no invite but a public door. */
const MAX_USES = 10_000;
/** The invite payload's limit (`invitePayload.broker_url`). */
const MAX_BROKER_URL_LENGTH = 2048;

/** The WebSocket URL of the broker at HTTP base `base`: what an invite tells agents to connect to. */
export function webSocketUrl(base: string): string {
  return `${base.replace(/^http/, "ws")}/ws`;
}

/** `mesh admin invite --mesh S`: signs an invite with the owner key here, stores it on the broker, prints the link. */
export const adminInviteCommand = meshAdminCommand({
  name: "admin invite",
  summary:
    "sign an invite with the mesh's owner key (kept here), register it on the broker, print its ic://join/… link",
  options: {
    role: { type: "string", value: "ROLE", description: "member (default) or admin" },
    uses: { type: "string", value: "N", description: `how many agents may join with it (default 1, ≤ ${MAX_USES})` },
    expires: { type: "string", value: "DURATION", description: "valid for, e.g. 30m, 24h, 7d (default 24h)" },
    "broker-url": {
      type: "string",
      value: "URL",
      description: "the WebSocket URL agents connect to, if not the broker's own ws://…/ws (e.g. behind a proxy)",
    },
  },
  async run(ctx, slug) {
    const role = stringOption(ctx, "role") ?? "member";
    if (role !== "member" && role !== "admin") throw usageError(`--role must be member or admin, not "${role}"`);
    const usesText = stringOption(ctx, "uses") ?? "1";
    const maxUses = /^\d{1,6}$/.test(usesText) ? Number(usesText) : Number.NaN;
    if (!(maxUses >= 1 && maxUses <= MAX_USES)) throw usageError(`--uses must be an integer from 1 to ${MAX_USES}`);
    const expiresText = stringOption(ctx, "expires") ?? "24h";
    const expiresInMs = parseDuration(expiresText, MAX_EXPIRY_MS);
    if (expiresInMs === undefined) {
      throw usageError(`--expires "${expiresText}" is not a duration like 30m, 24h or 7d (at most 365d)`);
    }
    const linkUrl = parseLinkUrl(stringOption(ctx, "broker-url"));
    const owner = ctx.home.owner(slug);
    if (!owner) {
      throw new CliError(
        "not_owner",
        `no owner key for mesh "${slug}" in ${ctx.home.dir}: invites are signed by the mesh owner; run this where \`mesh admin create-mesh\` or \`bootstrap\` ran (same MESH_HOME)`,
      );
    }
    // Without --broker or MESH_BROKER_URL, the broker the link names is the one to register it with.
    const client = openAdminClient(ctx, { slug, fallbackBroker: linkUrl ?? owner.brokerUrl });

    // Whole seconds, as the link says: the broker stores the signed expiry to the second.
    const expiresAt = new Date(Math.floor((Date.now() + expiresInMs) / 1000) * 1000);
    const signed = signInvite(
      { publicKey: owner.publicKey, secretKey: owner.secretKey },
      {
        meshId: owner.meshId,
        slug,
        brokerUrl: linkUrl ?? webSocketUrl(client.baseUrl),
        rootKey: owner.rootKey,
        role,
        expiresAt,
      },
    );
    const answer = await adminCall(client.createInvite(slug, { link: signed.link, maxUses }));
    ctx.out.result(signed.link, answer);
    const { invite } = answer;
    ctx.out.info(
      `invite ${invite.id} to ${slug} as ${invite.role}: ${plural(invite.maxUses, "use")}, expires ${invite.expiresAt} (${formatAge(invite.expiresAt)})`,
    );
  },
});

/** `--broker-url`: goes into the signed payload as given; ws:// or wss://. */
function parseLinkUrl(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  if (trimmed.length > MAX_BROKER_URL_LENGTH) throw usageError(`--broker-url is longer than ${MAX_BROKER_URL_LENGTH}`);
  if (!/^wss?:\/\/[^/\s]+/i.test(trimmed))
    throw usageError(`--broker-url must be a ws:// or wss:// URL, not "${value}"`);
  return trimmed;
}

const inviteState = (i: AdminInvite) =>
  i.revoked ? "revoked" : i.expired ? "expired" : i.usedCount >= i.maxUses ? "used up" : "active";

const INVITE_COLUMNS: readonly Column<AdminInvite>[] = [
  ["ID", (i) => i.id],
  ["ROLE", (i) => i.role],
  ["USED", (i) => `${i.usedCount}/${i.maxUses}`, "right"],
  ["STATE", inviteState],
  ["EXPIRES", (i) => formatAge(i.expiresAt)],
  ["CREATED", (i) => formatAge(i.createdAt)],
];

/** `mesh admin invites --mesh S`. */
export const adminInvitesCommand = meshAdminCommand({
  name: "admin invites",
  summary: "list a mesh's invites, newest first: id, role, uses, state, expiry (never the links)",
  async run(ctx, slug) {
    const answer = await adminCall(openAdminClient(ctx, { slug }).listInvites(slug));
    const active = answer.invites.filter((i) => inviteState(i) === "active").length;
    printListing(
      ctx,
      answer,
      answer.invites,
      INVITE_COLUMNS,
      `${plural(answer.invites.length, "invite")}, ${active} active`,
    );
  },
});

/** `mesh admin revoke-invite --mesh S --invite ID|LINK`. */
export const adminRevokeInviteCommand = meshAdminCommand({
  name: "admin revoke-invite",
  summary: "revoke an invite (by its id, or the link itself): joins with it are refused; who joined stays",
  options: {
    invite: { type: "string", value: "ID|LINK", description: "the invite's id (`mesh admin invites`) or its link" },
  },
  async run(ctx, slug) {
    const ref = requiredOption(ctx, "invite");
    const id = /^[0-9a-f]{16}$/.test(ref) ? ref : inviteIdOfLink(ref);
    const answer = await adminCall(openAdminClient(ctx, { slug }).revokeInvite(slug, id));
    printChange(
      ctx,
      answer,
      `invite ${id} of ${slug} revoked (${answer.invite.usedCount} of ${answer.invite.maxUses} uses were taken)`,
      `invite ${id} of ${slug} was already revoked`,
    );
  },
});

function inviteIdOfLink(ref: string): string {
  if (!ref.startsWith("ic://join/")) {
    throw usageError(`--invite must be an invite id (16 hex digits) or an ic://join/… link, not "${ref}"`);
  }
  return adminInviteId(inviteLinkToken(ref));
}
