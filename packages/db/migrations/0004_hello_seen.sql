CREATE TABLE "mesh"."hello_seen" (
	"member_id" text NOT NULL,
	"hello_timestamp" bigint NOT NULL,
	"seen_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "hello_seen_member_id_hello_timestamp_pk" PRIMARY KEY("member_id","hello_timestamp")
);
--> statement-breakpoint
ALTER TABLE "mesh"."hello_seen" ADD CONSTRAINT "hello_seen_member_id_member_id_fk" FOREIGN KEY ("member_id") REFERENCES "mesh"."member"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "hello_seen_seen_at_idx" ON "mesh"."hello_seen" USING btree ("seen_at");