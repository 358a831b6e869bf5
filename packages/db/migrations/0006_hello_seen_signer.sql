ALTER TABLE "mesh"."hello_seen" ADD COLUMN "signer_pubkey" text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE "mesh"."hello_seen" DROP CONSTRAINT "hello_seen_member_id_hello_timestamp_pk";--> statement-breakpoint
ALTER TABLE "mesh"."hello_seen" ADD CONSTRAINT "hello_seen_pk" PRIMARY KEY("member_id","signer_pubkey","hello_timestamp");
