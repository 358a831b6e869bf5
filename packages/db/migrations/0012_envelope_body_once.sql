-- What an envelope carries moves to one `envelope` row per send; recipient rows keep only delivery facts. Every
-- undelivered row keeps its body, and every idempotency key of the last 24 h moves onto its envelope row.
CREATE TABLE "mesh"."envelope" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "mesh"."envelope_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"message_id" text NOT NULL,
	"mesh_id" text NOT NULL,
	"sender_member_id" text NOT NULL,
	"sender_session_pubkey" text,
	"target_spec" text NOT NULL,
	"nonce" text NOT NULL,
	"ciphertext" text NOT NULL,
	"client_id" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"keep_until" timestamp with time zone NOT NULL
);
--> statement-breakpoint
-- Delivered rows never need their body again: they name envelope 0 (none) and are not rewritten.
ALTER TABLE "mesh"."message_queue" ADD COLUMN "envelope_id" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
INSERT INTO "mesh"."envelope"
	("message_id", "mesh_id", "sender_member_id", "sender_session_pubkey", "target_spec", "nonce", "ciphertext",
	 "created_at", "keep_until")
SELECT DISTINCT ON (q."message_id") q."message_id", q."mesh_id", q."sender_member_id", q."sender_session_pubkey",
	q."target_spec", q."nonce", q."ciphertext", q."created_at",
	-- A row without an expiry (older brokers) is kept as long as the longest maximum age allows.
	max(coalesce(q."expires_at", q."created_at" + interval '8760 hours')) OVER (PARTITION BY q."message_id")
FROM "mesh"."message_queue" q
WHERE q."delivered_at" IS NULL
ORDER BY q."message_id", q."id";--> statement-breakpoint
UPDATE "mesh"."message_queue" q SET "envelope_id" = e."id"
FROM "mesh"."envelope" e
WHERE e."message_id" = q."message_id" AND q."delivered_at" IS NULL;--> statement-breakpoint
UPDATE "mesh"."envelope" e
SET "client_id" = k."client_id", "keep_until" = greatest(e."keep_until", k."created_at" + interval '24 hours')
FROM "mesh"."send_idempotency" k
WHERE k."message_id" = e."message_id" AND k."sender_member_id" = e."sender_member_id"
	AND k."created_at" > now() - interval '24 hours';--> statement-breakpoint
-- A key whose envelope was delivered is still remembered for its window, on a row without a body.
INSERT INTO "mesh"."envelope"
	("message_id", "mesh_id", "sender_member_id", "target_spec", "nonce", "ciphertext", "client_id", "created_at",
	 "keep_until")
SELECT k."message_id", m."mesh_id", k."sender_member_id", '', '', '', k."client_id", k."created_at",
	k."created_at" + interval '24 hours'
FROM "mesh"."send_idempotency" k
JOIN "mesh"."member" m ON m."id" = k."sender_member_id"
WHERE k."created_at" > now() - interval '24 hours'
	AND NOT EXISTS (SELECT 1 FROM "mesh"."envelope" e WHERE e."message_id" = k."message_id");--> statement-breakpoint
ALTER TABLE "mesh"."message_queue" ALTER COLUMN "envelope_id" DROP DEFAULT;--> statement-breakpoint
DROP TABLE "mesh"."send_idempotency" CASCADE;--> statement-breakpoint
-- No foreign keys on the hot tables: each cost a key-share lock on a member or mesh row per inserted row.
ALTER TABLE "mesh"."message_queue" DROP CONSTRAINT "message_queue_mesh_id_mesh_id_fk";--> statement-breakpoint
ALTER TABLE "mesh"."message_queue" DROP CONSTRAINT "message_queue_sender_member_id_member_id_fk";--> statement-breakpoint
ALTER TABLE "mesh"."message_queue" DROP CONSTRAINT "message_queue_recipient_member_id_member_id_fk";--> statement-breakpoint
CREATE UNIQUE INDEX "envelope_client_id_uq" ON "mesh"."envelope" USING btree ("sender_member_id","client_id") WHERE "mesh"."envelope"."client_id" is not null;--> statement-breakpoint
CREATE INDEX "envelope_keep_until_idx" ON "mesh"."envelope" USING btree ("keep_until");--> statement-breakpoint
ALTER TABLE "mesh"."message_queue" DROP COLUMN "target_spec";--> statement-breakpoint
ALTER TABLE "mesh"."message_queue" DROP COLUMN "nonce";--> statement-breakpoint
ALTER TABLE "mesh"."message_queue" DROP COLUMN "ciphertext";--> statement-breakpoint
ALTER TABLE "mesh"."message_queue" DROP COLUMN "client_id";--> statement-breakpoint
ALTER TABLE "mesh"."message_queue" DROP COLUMN "sender_session_pubkey";
