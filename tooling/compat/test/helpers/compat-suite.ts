import { afterAll, afterEach, beforeAll, expect } from "bun:test";
import { join } from "node:path";
import { createTestDatabase, freePort, makeTempDir, type TestDatabase } from "@mesh/db/testing";
import { joinMesh, MeshClient, type MeshError, MeshHome, type ReceivedMessage } from "@mesh/sdk";
import {
  ClaudemeshClient,
  type ClaudemeshClientOptions,
  type ClaudemeshLine,
  type ClaudemeshMembership,
  openFrameSockets,
} from "../../src/index.ts";
import { type BrokerUnderTest, startBroker } from "./broker-under-test.ts";
import { createMesh, inviteLink, type Operator } from "./mesh-admin.ts";

/** Our SDK on a mesh: its client, its key, and everything it received. */
export interface SdkPeer {
  client: MeshClient;
  publicKey: string;
  memberId: string;
  messages: ReceivedMessage[];
  errors: MeshError[];
  /** Resolves with the first message (received or to come) whose text is `text`. */
  message: (text: string, timeoutMs?: number) => Promise<ReceivedMessage>;
}

/** What a test file gets: a broker of its own and ways to make meshes and peers on it. */
export interface CompatSuite {
  readonly broker: BrokerUnderTest;
  /** `mesh admin bootstrap --profile P` then `mesh admin invite --uses N`: the link. */
  meshInvite: (profile: "strict" | "claudemesh", uses: number) => Promise<{ slug: string; link: string }>;
  /** Joins with our SDK's own join path (`joinMesh`, a MESH_HOME of its own) and connects a `MeshClient`. */
  sdk: (link: string, name: string) => Promise<SdkPeer>;
  /**
   * Joins as claudemesh does, under a name no other member has, and makes a client of `line` (not yet
   * connected), in a cwd no other session has. On a strict mesh the join carries the key's proof, which
   * claudemesh never sends: the client stands for one enrolled before the mesh became strict.
   */
  claudemesh: (
    link: string,
    line: ClaudemeshLine,
    options?: Partial<Omit<ClaudemeshClientOptions, "line" | "membership">>,
  ) => Promise<ClaudemeshClient>;
  /** A claudemesh client of `line` for a membership already joined. */
  claudemeshFor: (
    membership: ClaudemeshMembership,
    line: ClaudemeshLine,
    options?: Partial<Omit<ClaudemeshClientOptions, "line" | "membership">>,
  ) => ClaudemeshClient;
  /** A working directory path no other session of the run reports. */
  uniqueCwd: (label: string) => string;
  /** The operator's MESH_HOME (where `bootstrap` keeps the owner keys). */
  readonly operatorHome: string;
}

/**
 * Registers the hooks of a compatibility test file: a database of its own,
 * one real broker on it (anonymous hooks on), a temp folder for the
 * operator's and the SDK's MESH_HOMEs; after each test every client closed
 * and no socket left open; after all, the broker stopped and everything
 * removed.
 */
export function useCompatSuite(): CompatSuite {
  let database: TestDatabase | undefined;
  let broker: BrokerUnderTest | undefined;
  const dir = makeTempDir("mesh-compat");
  const operator: Operator = { home: join(dir.path, "operator"), databaseUrl: "" };
  const sdkClients: MeshClient[] = [];
  const claudemeshClients: ClaudemeshClient[] = [];
  let made = 0;
  /** The profile of the mesh of each link `meshInvite` made. */
  const profileOf = new Map<string, "strict" | "claudemesh">();
  const need = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`${what} is not ready: use it inside a test`);
    return value;
  };

  beforeAll(async () => {
    database = await createTestDatabase();
    operator.databaseUrl = database.url;
    broker = await startBroker(await freePort(), database.url);
  });

  afterEach(async () => {
    await Promise.all([
      ...sdkClients.splice(0).map((c) => c.close()),
      ...claudemeshClients.splice(0).map((c) => c.close()),
    ]);
    expect(openFrameSockets()).toBe(0);
  });

  afterAll(async () => {
    await broker?.stop();
    await database?.drop();
    dir.remove();
  });

  const uniqueCwd = (label: string) => {
    made += 1;
    return join(dir.path, "work", `${label}-${made}`);
  };

  const claudemeshFor: CompatSuite["claudemeshFor"] = (membership, line, options = {}) => {
    const client = new ClaudemeshClient({
      line,
      membership,
      cwd: uniqueCwd(`claudemesh-${line}`),
      displayName: `claudemesh ${line}`,
      ...options,
    });
    claudemeshClients.push(client);
    return client;
  };

  return {
    get broker() {
      return need(broker, "the broker");
    },
    operatorHome: operator.home,
    uniqueCwd,
    meshInvite: async (profile, uses) => {
      const { slug } = await createMesh(operator, profile);
      const link = await inviteLink(operator, slug, need(broker, "the broker").wsUrl, uses);
      profileOf.set(link, profile);
      return { slug, link };
    },
    sdk: async (link, name) => {
      made += 1;
      const home = new MeshHome(join(dir.path, `sdk-${name}-${made}`));
      const joined = await joinMesh(home, link, name);
      const identity = need(home.identity(), "the SDK identity");
      const client = new MeshClient({
        brokerUrl: joined.membership.brokerUrl,
        meshId: joined.membership.meshId,
        memberId: joined.membership.memberId,
        identity,
        meshRootKey: joined.membership.rootKey,
        cwd: uniqueCwd(`sdk-${name}`),
        reconnect: false,
      });
      sdkClients.push(client);
      const messages: ReceivedMessage[] = [];
      const errors: MeshError[] = [];
      const waiters = new Set<() => void>();
      client.onMessage((m) => {
        messages.push(m);
        for (const wake of [...waiters]) wake();
      });
      client.on("error", (e) => errors.push(e));
      await client.connect();
      const message = (text: string, timeoutMs = 15_000) =>
        new Promise<ReceivedMessage>((resolve, reject) => {
          const check = () => {
            const found = messages.find((m) => m.text === text);
            if (!found) return;
            cleanup();
            resolve(found);
          };
          const timer = setTimeout(() => {
            cleanup();
            reject(new Error(`no message "${text}" within ${timeoutMs} ms; got ${JSON.stringify(messages)}`));
          }, timeoutMs);
          const cleanup = () => {
            clearTimeout(timer);
            waiters.delete(check);
          };
          waiters.add(check);
          check();
        });
      return { client, publicKey: identity.publicKey, memberId: joined.membership.memberId, messages, errors, message };
    },
    claudemesh: async (link, line, options = {}) => {
      made += 1;
      const proveKey = profileOf.get(link) === "strict";
      const membership = await ClaudemeshClient.join(link, `claudemesh ${line} ${made}`, { proveKey });
      return claudemeshFor(membership, line, options);
    },
    claudemeshFor,
  };
}
