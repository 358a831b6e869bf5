DROP INDEX "mesh"."message_queue_mesh_undelivered_idx";--> statement-breakpoint
DROP INDEX "mesh"."message_queue_message_id_idx";