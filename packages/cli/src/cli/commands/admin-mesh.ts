import type { AdminMesh } from "@mesh/sdk";
import { openAdminClient, requiredOption } from "../../admin/admin-connection.ts";
import { adminCall } from "../../admin/admin-failure.ts";
import { claudemeshProfileWarning, parseClientProfile } from "../../admin/client-profile.ts";
import { parseMeshName } from "../../admin/mesh-name.ts";
import { type Column, formatAge, plural } from "../../admin/table.ts";
import type { Command, CommandContext } from "../command.ts";
import { terminalText } from "../terminal-text.ts";
import { adminCommand, meshAdminCommand, printChange, printListing } from "./admin-command.ts";

/** An answer without the mesh's root key: it is kept in MESH_HOME, never printed. */
export function withoutRootKey<T extends { mesh: AdminMesh }>(answer: T): T {
  const { rootKey: _rootKey, ...mesh } = answer.mesh;
  return { ...answer, mesh };
}

const MESH_COLUMNS: readonly Column<AdminMesh>[] = [
  ["SLUG", (m) => m.slug],
  ["NAME", (m) => m.name],
  ["PROFILE", (m) => m.profile],
  ["STATE", (m) => (m.archived ? "archived" : "active")],
  ["MEMBERS", (m) => String(m.members), "right"],
  ["REVOKED", (m) => String(m.revokedMembers), "right"],
  ["SESSIONS", (m) => String(m.liveSessions), "right"],
  ["BACKLOG", (m) => String(m.backlog), "right"],
  ["CREATED", (m) => formatAge(m.createdAt)],
];

/** `mesh admin meshes`: every mesh of the broker, with counts (operator). */
export const adminMeshesCommand = adminCommand({
  name: "admin meshes",
  summary: "list every mesh with its members, sessions and backlog (operator token)",
  async run(ctx) {
    const answer = await adminCall(openAdminClient(ctx).listMeshes());
    const archived = answer.meshes.filter((m) => m.archived).length;
    printListing(
      ctx,
      answer,
      answer.meshes,
      MESH_COLUMNS,
      `${plural(answer.meshes.length, "mesh", "meshes")}, ${archived} archived`,
    );
  },
});

/** The lines `mesh admin mesh` prints about one mesh. */
function meshLines(m: AdminMesh): string {
  const lines: [string, string][] = [
    ["slug", m.slug],
    ["name", m.name],
    ["id", m.id],
    ["profile", m.profile],
    ["state", m.archived ? `archived ${formatAge(m.archivedAt)} ago` : "active"],
    ["members", `${m.members} (${m.revokedMembers} revoked)`],
    ["live sessions", String(m.liveSessions)],
    ["backlog", plural(m.backlog, "envelope")],
    ["owner key", m.ownerPubkey],
    ["created", `${m.createdAt} (${formatAge(m.createdAt)} ago)`],
  ];
  return lines.map(([k, v]) => `${`${k}:`.padEnd(15)}${terminalText(v)}`).join("\n");
}

/** `mesh admin mesh --mesh S`: one mesh. */
export const adminMeshCommand = meshAdminCommand({
  name: "admin mesh",
  summary: "show one mesh: name, profile, state, counts, owner key (owner key or operator token)",
  async run(ctx, slug) {
    const answer = withoutRootKey(await adminCall(openAdminClient(ctx, { slug }).getMesh(slug)));
    ctx.out.result(meshLines(answer.mesh), answer);
  },
});

/** Prints a mesh change ({@link printChange}): made safe for a terminal (the name is the broker's), without the root key. */
function reportMeshChange(
  ctx: CommandContext,
  answer: { mesh: AdminMesh; changed: boolean },
  done: string,
  unchanged: string,
): void {
  printChange(ctx, withoutRootKey(answer), terminalText(done), terminalText(unchanged));
}

/** `mesh admin rename --mesh S --name N`. */
export const adminRenameCommand = meshAdminCommand({
  name: "admin rename",
  summary: "rename a mesh (its slug stays)",
  options: {
    name: { type: "string", value: "NAME", description: "the new name" },
  },
  async run(ctx, slug) {
    const name = parseMeshName(requiredOption(ctx, "name"));
    const answer = await adminCall(openAdminClient(ctx, { slug }).updateMesh(slug, { name }));
    reportMeshChange(
      ctx,
      answer,
      `mesh ${slug} is now named "${answer.mesh.name}"`,
      `mesh ${slug} is already named "${answer.mesh.name}"`,
    );
  },
});

/** `mesh admin set-profile --mesh S --profile P`. */
export const adminSetProfileCommand = meshAdminCommand({
  name: "admin set-profile",
  summary: "change a mesh's client profile (strict or claudemesh); audited by the broker",
  options: {
    profile: {
      type: "string",
      value: "strict|claudemesh",
      description: "strict: broadcasts sealed with the mesh key; claudemesh: broadcasts NOT encrypted",
    },
  },
  async run(ctx, slug) {
    const profile = parseClientProfile(requiredOption(ctx, "profile"));
    const answer = await adminCall(openAdminClient(ctx, { slug }).updateMesh(slug, { profile }));
    reportMeshChange(
      ctx,
      answer,
      `mesh ${slug} now runs the ${profile} profile`,
      `mesh ${slug} already runs the ${profile} profile`,
    );
    if (profile === "claudemesh") ctx.out.info(claudemeshProfileWarning(slug));
    if (answer.changed)
      ctx.out.info("hooks follow the new profile at once; connected sessions learn it at their next hello");
  },
});

/** `mesh admin archive-mesh` and `unarchive-mesh`. */
function archiveCommand(archive: boolean): Command {
  return meshAdminCommand({
    name: archive ? "admin archive-mesh" : "admin unarchive-mesh",
    summary: archive
      ? "archive a mesh: its sessions close, sends and joins are refused, its backlog is dropped"
      : "undo an archival: members may connect again with their keys and names",
    async run(ctx, slug) {
      const client = openAdminClient(ctx, { slug });
      if (archive) ctx.out.info(`archiving ${slug}: every instance closes its sessions…`);
      const answer = await adminCall(archive ? client.archiveMesh(slug) : client.unarchiveMesh(slug));
      const now = archive ? "archived" : "active";
      reportMeshChange(ctx, answer, `mesh ${slug} is ${now}`, `mesh ${slug} was already ${now}`);
    },
  });
}

export const adminArchiveMeshCommand = archiveCommand(true);
export const adminUnarchiveMeshCommand = archiveCommand(false);
