export { brokerKill } from "./s1-broker-kill.ts";
export { postgresRestart } from "./s2-postgres-restart.ts";
export { terminateBackends } from "./s3-terminate-backends.ts";
export { diesBeforeAck } from "./s4-dies-before-ack.ts";
export { retryEverySend } from "./s5-retry-every-send.ts";
export { slowConsumer } from "./s6-slow-consumer.ts";
export { sigtermRestart } from "./s7-sigterm-restart.ts";
export { instanceKill } from "./s8-instance-kill.ts";
