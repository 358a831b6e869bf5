import type { AdminMesh } from "@mesh/sdk";
import {
  ADMIN_API_OPTIONS,
  MESH_SLUG_OPTION,
  meshSlugOption,
  noPositionals,
  openAdminClient,
  requiredOption,
} from "../../admin/admin-connection.ts";
import { adminCall } from "../../admin/admin-failure.ts";
import { claudemeshProfileWarning, parseClientProfile } from "../../admin/client-profile.ts";
import { parseMeshName } from "../../admin/mesh-name.ts";
import { formatAge, formatTable, plural } from "../../admin/table.ts";
import type { Command, CommandContext } from "../command.ts";
import { terminalText } from "../terminal-text.ts";

/** An answer without the mesh's root key: it is kept in MESH_HOME, never printed. */
export function withoutRootKey<T extends { mesh: AdminMesh }>(answer: T): T {
  const { rootKey: _rootKey, ...mesh } = answer.mesh;
  return { ...answer, mesh };
}

const state = (m: AdminMesh) => (m.archived ? "archived" : "active");

/** `mesh admin meshes`: every mesh of the broker, with counts (operator). */
export const adminMeshesCommand: Command = {
  name: "admin meshes",
  summary: "list every mesh with its members, sessions and backlog (operator token)",
  options: { ...ADMIN_API_OPTIONS },
  async run(ctx) {
    noPositionals(ctx);
    const answer = await adminCall(openAdminClient(ctx).listMeshes());
    const rows = answer.meshes.map((m) => [
      m.slug,
      m.name,
      m.profile,
      state(m),
      String(m.members),
      String(m.revokedMembers),
      String(m.liveSessions),
      String(m.backlog),
      formatAge(m.createdAt),
    ]);
    const table = formatTable(
      ["SLUG", "NAME", "PROFILE", "STATE", "MEMBERS", "REVOKED", "SESSIONS", "BACKLOG", "CREATED"],
      rows,
      new Set([4, 5, 6, 7]),
    );
    const archived = answer.meshes.filter((m) => m.archived).length;
    ctx.out.result(`${table}\n\n${plural(answer.meshes.length, "mesh", "meshes")}, ${archived} archived`, answer);
    return undefined;
  },
};

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
export const adminMeshCommand: Command = {
  name: "admin mesh",
  summary: "show one mesh: name, profile, state, counts, owner key (owner key or operator token)",
  options: { ...MESH_SLUG_OPTION, ...ADMIN_API_OPTIONS },
  async run(ctx) {
    noPositionals(ctx);
    const slug = meshSlugOption(ctx);
    const answer = withoutRootKey(await adminCall(openAdminClient(ctx, { slug }).getMesh(slug)));
    ctx.out.result(meshLines(answer.mesh), answer);
    return undefined;
  },
};

/** Prints a mesh change: what it is now, or that nothing changed. */
function reportMeshChange(
  ctx: CommandContext,
  answer: { mesh: AdminMesh; changed: boolean },
  done: string,
  unchanged: string,
): void {
  ctx.out.result(terminalText(answer.changed ? done : unchanged), withoutRootKey(answer));
}

/** `mesh admin rename --mesh S --name N`. */
export const adminRenameCommand: Command = {
  name: "admin rename",
  summary: "rename a mesh (its slug stays)",
  options: {
    ...MESH_SLUG_OPTION,
    name: { type: "string", value: "NAME", description: "the new name" },
    ...ADMIN_API_OPTIONS,
  },
  async run(ctx) {
    noPositionals(ctx);
    const slug = meshSlugOption(ctx);
    const name = parseMeshName(requiredOption(ctx, "name"));
    const answer = await adminCall(openAdminClient(ctx, { slug }).updateMesh(slug, { name }));
    reportMeshChange(
      ctx,
      answer,
      `mesh ${slug} is now named "${answer.mesh.name}"`,
      `mesh ${slug} is already named "${answer.mesh.name}"; nothing changed`,
    );
    return undefined;
  },
};

/** `mesh admin set-profile --mesh S --profile P`. */
export const adminSetProfileCommand: Command = {
  name: "admin set-profile",
  summary: "change a mesh's client profile (strict or claudemesh); audited by the broker",
  options: {
    ...MESH_SLUG_OPTION,
    profile: {
      type: "string",
      value: "strict|claudemesh",
      description: "strict: broadcasts sealed with the mesh key; claudemesh: broadcasts NOT encrypted",
    },
    ...ADMIN_API_OPTIONS,
  },
  async run(ctx) {
    noPositionals(ctx);
    const slug = meshSlugOption(ctx);
    const profile = parseClientProfile(requiredOption(ctx, "profile"));
    const answer = await adminCall(openAdminClient(ctx, { slug }).updateMesh(slug, { profile }));
    reportMeshChange(
      ctx,
      answer,
      `mesh ${slug} now runs the ${profile} profile`,
      `mesh ${slug} already runs the ${profile} profile; nothing changed`,
    );
    if (profile === "claudemesh") ctx.out.info(claudemeshProfileWarning(slug));
    if (answer.changed)
      ctx.out.info("hooks follow the new profile at once; connected sessions learn it at their next hello");
    return undefined;
  },
};

/** `mesh admin archive-mesh` and `unarchive-mesh`. */
function archiveCommand(archive: boolean): Command {
  return {
    name: archive ? "admin archive-mesh" : "admin unarchive-mesh",
    summary: archive
      ? "archive a mesh: its sessions close, sends and joins are refused, its backlog is dropped"
      : "undo an archival: members may connect again with their keys and names",
    options: { ...MESH_SLUG_OPTION, ...ADMIN_API_OPTIONS },
    async run(ctx) {
      noPositionals(ctx);
      const slug = meshSlugOption(ctx);
      const client = openAdminClient(ctx, { slug });
      if (archive) ctx.out.info(`archiving ${slug}: every instance closes its sessions…`);
      const answer = await adminCall(archive ? client.archiveMesh(slug) : client.unarchiveMesh(slug));
      const now = archive ? "archived" : "active";
      reportMeshChange(ctx, answer, `mesh ${slug} is ${now}`, `mesh ${slug} was already ${now}; nothing changed`);
      return undefined;
    },
  };
}

export const adminArchiveMeshCommand = archiveCommand(true);
export const adminUnarchiveMeshCommand = archiveCommand(false);
