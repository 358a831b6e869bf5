CREATE TABLE "mesh"."admin_request_seen" (
	"signer_pubkey" text NOT NULL,
	"request_timestamp" bigint NOT NULL,
	"seen_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "admin_request_seen_pk" PRIMARY KEY("signer_pubkey","request_timestamp")
);
--> statement-breakpoint
CREATE INDEX "admin_request_seen_seen_at_idx" ON "mesh"."admin_request_seen" USING btree ("seen_at");