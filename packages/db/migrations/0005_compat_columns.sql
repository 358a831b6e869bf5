ALTER TABLE "mesh"."mesh" ADD COLUMN "client_profile" text DEFAULT 'strict' NOT NULL;--> statement-breakpoint
ALTER TABLE "mesh"."message_queue" ADD COLUMN "sender_session_pubkey" text;--> statement-breakpoint
ALTER TABLE "mesh"."message_queue" ADD COLUMN "target_presence_id" text;--> statement-breakpoint
ALTER TABLE "mesh"."presence" ADD COLUMN "session_pubkey" text;--> statement-breakpoint
ALTER TABLE "mesh"."presence" ADD COLUMN "summary" text;--> statement-breakpoint
CREATE INDEX "presence_session_pubkey_idx" ON "mesh"."presence" USING btree ("mesh_id","session_pubkey") WHERE "mesh"."presence"."session_pubkey" is not null;--> statement-breakpoint
ALTER TABLE "mesh"."mesh" ADD CONSTRAINT "mesh_client_profile_ck" CHECK ("mesh"."mesh"."client_profile" in ('strict', 'claudemesh'));