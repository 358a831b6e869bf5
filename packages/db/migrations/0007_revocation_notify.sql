-- Revoking a member or archiving a mesh tells every broker instance at once, however it is done
-- (the admin commands, or SQL by hand): a NOTIFY on mesh_revoke at commit. Brokers close the
-- sessions concerned; a periodic check catches a notification that was missed.
CREATE OR REPLACE FUNCTION "mesh"."notify_member_revoked"() RETURNS trigger AS $$
BEGIN
  IF NEW.revoked_at IS NOT NULL AND OLD.revoked_at IS NULL THEN
    PERFORM pg_notify('mesh_revoke', json_build_object('memberId', NEW.id)::text);
  END IF;
  RETURN NEW;
END
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION "mesh"."notify_mesh_archived"() RETURNS trigger AS $$
BEGIN
  IF NEW.archived_at IS NOT NULL AND OLD.archived_at IS NULL THEN
    PERFORM pg_notify('mesh_revoke', json_build_object('meshId', NEW.id)::text);
  END IF;
  RETURN NEW;
END
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE TRIGGER "member_revoked_notify" AFTER UPDATE OF "revoked_at" ON "mesh"."member"
  FOR EACH ROW EXECUTE FUNCTION "mesh"."notify_member_revoked"();
--> statement-breakpoint
CREATE TRIGGER "mesh_archived_notify" AFTER UPDATE OF "archived_at" ON "mesh"."mesh"
  FOR EACH ROW EXECUTE FUNCTION "mesh"."notify_mesh_archived"();
