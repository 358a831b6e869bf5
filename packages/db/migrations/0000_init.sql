CREATE SCHEMA "mesh";
--> statement-breakpoint
CREATE TABLE "mesh"."audit_log" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "mesh"."audit_log_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"event" text NOT NULL,
	"mesh_id" text,
	"actor" text,
	"target" text,
	"detail" jsonb,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "mesh"."broker_instance" (
	"id" text PRIMARY KEY NOT NULL,
	"hostname" text NOT NULL,
	"pid" integer NOT NULL,
	"version" text NOT NULL,
	"started_at" timestamp with time zone DEFAULT now() NOT NULL,
	"heartbeat_at" timestamp with time zone DEFAULT now() NOT NULL,
	"stopped_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "mesh"."invite" (
	"token" text PRIMARY KEY NOT NULL,
	"mesh_id" text NOT NULL,
	"role" text DEFAULT 'member' NOT NULL,
	"max_uses" integer DEFAULT 1 NOT NULL,
	"used_count" integer DEFAULT 0 NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"revoked_at" timestamp with time zone,
	"signed_payload" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "invite_role_ck" CHECK ("mesh"."invite"."role" in ('admin', 'member')),
	CONSTRAINT "invite_uses_ck" CHECK ("mesh"."invite"."max_uses" > 0 and "mesh"."invite"."used_count" >= 0 and "mesh"."invite"."used_count" <= "mesh"."invite"."max_uses")
);
--> statement-breakpoint
CREATE TABLE "mesh"."member" (
	"id" text PRIMARY KEY DEFAULT gen_random_uuid()::text NOT NULL,
	"mesh_id" text NOT NULL,
	"pubkey" text NOT NULL,
	"display_name" text NOT NULL,
	"role" text DEFAULT 'member' NOT NULL,
	"joined_at" timestamp with time zone DEFAULT now() NOT NULL,
	"revoked_at" timestamp with time zone,
	CONSTRAINT "member_role_ck" CHECK ("mesh"."member"."role" in ('admin', 'member'))
);
--> statement-breakpoint
CREATE TABLE "mesh"."mesh" (
	"id" text PRIMARY KEY DEFAULT gen_random_uuid()::text NOT NULL,
	"name" text NOT NULL,
	"slug" text NOT NULL,
	"owner_pubkey" text NOT NULL,
	"root_key" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"archived_at" timestamp with time zone,
	CONSTRAINT "mesh_slug_unique" UNIQUE("slug")
);
--> statement-breakpoint
CREATE TABLE "mesh"."message_queue" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "mesh"."message_queue_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"message_id" text NOT NULL,
	"mesh_id" text NOT NULL,
	"sender_member_id" text NOT NULL,
	"recipient_member_id" text NOT NULL,
	"target_spec" text NOT NULL,
	"priority" text NOT NULL,
	"nonce" text NOT NULL,
	"ciphertext" text NOT NULL,
	"client_id" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp with time zone,
	"delivered_at" timestamp with time zone,
	"lease_presence_id" text,
	"lease_expires_at" timestamp with time zone,
	"attempts" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "message_queue_priority_ck" CHECK ("mesh"."message_queue"."priority" in ('now', 'next', 'low'))
);
--> statement-breakpoint
CREATE TABLE "mesh"."pending_status" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "mesh"."pending_status_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"pid" integer,
	"cwd" text NOT NULL,
	"status" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"applied_at" timestamp with time zone,
	CONSTRAINT "pending_status_status_ck" CHECK ("mesh"."pending_status"."status" in ('idle', 'working', 'dnd'))
);
--> statement-breakpoint
CREATE TABLE "mesh"."presence" (
	"id" text PRIMARY KEY DEFAULT gen_random_uuid()::text NOT NULL,
	"member_id" text NOT NULL,
	"mesh_id" text NOT NULL,
	"instance_id" text NOT NULL,
	"session_id" text NOT NULL,
	"pid" integer,
	"cwd" text,
	"status" text DEFAULT 'idle' NOT NULL,
	"status_source" text DEFAULT 'heartbeat' NOT NULL,
	"status_updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"hook_token_hash" text,
	"connected_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_ping_at" timestamp with time zone DEFAULT now() NOT NULL,
	"disconnected_at" timestamp with time zone,
	CONSTRAINT "presence_status_ck" CHECK ("mesh"."presence"."status" in ('idle', 'working', 'dnd')),
	CONSTRAINT "presence_source_ck" CHECK ("mesh"."presence"."status_source" in ('hook', 'manual', 'heartbeat'))
);
--> statement-breakpoint
CREATE TABLE "mesh"."send_idempotency" (
	"sender_member_id" text NOT NULL,
	"client_id" text NOT NULL,
	"message_id" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "send_idempotency_pk" PRIMARY KEY("sender_member_id","client_id")
);
--> statement-breakpoint
ALTER TABLE "mesh"."invite" ADD CONSTRAINT "invite_mesh_id_mesh_id_fk" FOREIGN KEY ("mesh_id") REFERENCES "mesh"."mesh"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "mesh"."member" ADD CONSTRAINT "member_mesh_id_mesh_id_fk" FOREIGN KEY ("mesh_id") REFERENCES "mesh"."mesh"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "mesh"."message_queue" ADD CONSTRAINT "message_queue_mesh_id_mesh_id_fk" FOREIGN KEY ("mesh_id") REFERENCES "mesh"."mesh"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "mesh"."message_queue" ADD CONSTRAINT "message_queue_sender_member_id_member_id_fk" FOREIGN KEY ("sender_member_id") REFERENCES "mesh"."member"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "mesh"."message_queue" ADD CONSTRAINT "message_queue_recipient_member_id_member_id_fk" FOREIGN KEY ("recipient_member_id") REFERENCES "mesh"."member"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "mesh"."presence" ADD CONSTRAINT "presence_member_id_member_id_fk" FOREIGN KEY ("member_id") REFERENCES "mesh"."member"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "mesh"."presence" ADD CONSTRAINT "presence_mesh_id_mesh_id_fk" FOREIGN KEY ("mesh_id") REFERENCES "mesh"."mesh"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "mesh"."send_idempotency" ADD CONSTRAINT "send_idempotency_sender_member_id_member_id_fk" FOREIGN KEY ("sender_member_id") REFERENCES "mesh"."member"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "audit_log_mesh_created_idx" ON "mesh"."audit_log" USING btree ("mesh_id","created_at");--> statement-breakpoint
CREATE INDEX "broker_instance_heartbeat_idx" ON "mesh"."broker_instance" USING btree ("heartbeat_at");--> statement-breakpoint
CREATE UNIQUE INDEX "member_mesh_pubkey_uq" ON "mesh"."member" USING btree ("mesh_id","pubkey");--> statement-breakpoint
CREATE INDEX "member_mesh_active_idx" ON "mesh"."member" USING btree ("mesh_id") WHERE "mesh"."member"."revoked_at" is null;--> statement-breakpoint
CREATE INDEX "message_queue_undelivered_idx" ON "mesh"."message_queue" USING btree ("recipient_member_id","id") WHERE "mesh"."message_queue"."delivered_at" is null;--> statement-breakpoint
CREATE INDEX "message_queue_mesh_undelivered_idx" ON "mesh"."message_queue" USING btree ("mesh_id") WHERE "mesh"."message_queue"."delivered_at" is null;--> statement-breakpoint
CREATE INDEX "message_queue_delivered_at_idx" ON "mesh"."message_queue" USING btree ("delivered_at") WHERE "mesh"."message_queue"."delivered_at" is not null;--> statement-breakpoint
CREATE INDEX "message_queue_message_id_idx" ON "mesh"."message_queue" USING btree ("message_id");--> statement-breakpoint
CREATE INDEX "pending_status_open_idx" ON "mesh"."pending_status" USING btree ("cwd","pid") WHERE "mesh"."pending_status"."applied_at" is null;--> statement-breakpoint
CREATE INDEX "pending_status_created_idx" ON "mesh"."pending_status" USING btree ("created_at");--> statement-breakpoint
CREATE INDEX "presence_mesh_live_idx" ON "mesh"."presence" USING btree ("mesh_id") WHERE "mesh"."presence"."disconnected_at" is null;--> statement-breakpoint
CREATE INDEX "presence_member_live_idx" ON "mesh"."presence" USING btree ("member_id") WHERE "mesh"."presence"."disconnected_at" is null;--> statement-breakpoint
CREATE INDEX "presence_instance_live_idx" ON "mesh"."presence" USING btree ("instance_id") WHERE "mesh"."presence"."disconnected_at" is null;--> statement-breakpoint
CREATE INDEX "presence_cwd_live_idx" ON "mesh"."presence" USING btree ("cwd","pid") WHERE "mesh"."presence"."disconnected_at" is null;--> statement-breakpoint
CREATE INDEX "presence_working_live_idx" ON "mesh"."presence" USING btree ("status_updated_at") WHERE "mesh"."presence"."disconnected_at" is null and "mesh"."presence"."status" = 'working';--> statement-breakpoint
CREATE UNIQUE INDEX "presence_hook_token_uq" ON "mesh"."presence" USING btree ("hook_token_hash");--> statement-breakpoint
CREATE INDEX "send_idempotency_created_idx" ON "mesh"."send_idempotency" USING btree ("created_at");