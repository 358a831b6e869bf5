-- Display names become unique per mesh among non-revoked members, ignoring case (docs/protocol.md#join-endpoint):
-- peers are addressed by name, and a second "bob" could read what was meant for the first. Duplicates a mesh
-- already has are renamed first, deterministically: in each group of names equal after lower(), the member who
-- joined first (then the lowest id) keeps the name; each other one, in that order, gets " (2)", " (3)", … (the
-- first suffix no other non-revoked member of the mesh holds), audited as member_renamed with both names.
DO $$
DECLARE
  dup record;
  n integer;
  candidate text;
BEGIN
  FOR dup IN
    SELECT ranked.id, ranked.mesh_id, ranked.display_name
    FROM (
      SELECT id, mesh_id, display_name,
             row_number() OVER (PARTITION BY mesh_id, lower(display_name) ORDER BY joined_at, id) AS position
      FROM "mesh"."member"
      WHERE revoked_at IS NULL
    ) AS ranked
    WHERE ranked.position > 1
    ORDER BY ranked.mesh_id, lower(ranked.display_name), ranked.position
  LOOP
    n := 2;
    LOOP
      candidate := dup.display_name || ' (' || n || ')';
      EXIT WHEN NOT EXISTS (
        SELECT 1 FROM "mesh"."member"
        WHERE mesh_id = dup.mesh_id AND revoked_at IS NULL AND lower(display_name) = lower(candidate)
      );
      n := n + 1;
    END LOOP;
    UPDATE "mesh"."member" SET display_name = candidate WHERE id = dup.id;
    INSERT INTO "mesh"."audit_log" (event, mesh_id, target, detail)
    VALUES ('member_renamed', dup.mesh_id, dup.id,
            jsonb_build_object('old', dup.display_name, 'new', candidate, 'reason', 'duplicate display name'));
  END LOOP;
END
$$;
--> statement-breakpoint
CREATE UNIQUE INDEX "member_mesh_display_name_uq" ON "mesh"."member" USING btree ("mesh_id",lower("display_name")) WHERE "mesh"."member"."revoked_at" is null;
