import { afterEach } from "bun:test";
import type { BrokerSuite } from "../../../../apps/broker/test/helpers/broker-suite.ts";
import type { TestMember, TestMesh } from "../../../../apps/broker/test/helpers/mesh-fixtures.ts";
import { MeshClient, type MeshClientOptions } from "../../src/index.ts";

/**
 * SDK clients of a test file against its suite's broker (fast reconnects),
 * closed after each test.
 */
export function useSdkClients(
  suite: BrokerSuite,
): (mesh: TestMesh, member: TestMember, options?: Partial<MeshClientOptions>) => MeshClient {
  const clients: MeshClient[] = [];
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
  });
  return (mesh, member, options = {}) => {
    const client = new MeshClient({
      brokerUrl: `ws://127.0.0.1:${suite.broker.port}/ws`,
      meshId: mesh.id,
      memberId: member.id,
      identity: member.keys,
      meshRootKey: mesh.rootKey,
      reconnect: { initialMs: 20, maxMs: 200 },
      ...options,
    });
    clients.push(client);
    return client;
  };
}
