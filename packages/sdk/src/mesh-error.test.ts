import { describe, expect, test } from "bun:test";
import { ErrorCode } from "@mesh/shared";
import { ClientErrorCode, isBrokerErrorCode, MeshError } from "./mesh-error.ts";

describe("MeshError.fromBroker", () => {
  test("keeps a code the broker documents, and records it as the broker's", () => {
    const error = MeshError.fromBroker("queue_full", "the mesh holds too many envelopes");
    expect(error).toBeInstanceOf(Error);
    expect(error.code).toBe(ErrorCode.queueFull);
    expect(error.brokerCode).toBe("queue_full");
    expect(error.message).toBe("the mesh holds too many envelopes");
  });

  test("a code this SDK does not know becomes unknown_broker_code, the raw code kept", () => {
    const error = MeshError.fromBroker("brand_new_code", "something new");
    expect(error.code).toBe(ClientErrorCode.unknownBrokerCode);
    expect(error.brokerCode).toBe("brand_new_code");
    expect(error.message).toBe("something new (brand_new_code)");
  });
});

describe("codes", () => {
  test("the SDK's own codes never collide with the broker's", () => {
    for (const code of Object.values(ClientErrorCode)) expect(isBrokerErrorCode(code)).toBe(false);
  });

  test("an error the SDK raises has no broker code, and keeps its cause", () => {
    const cause = new Error("socket");
    const error = new MeshError(ClientErrorCode.disconnected, "gone", { cause });
    expect(error.brokerCode).toBeUndefined();
    expect(error.cause).toBe(cause);
    expect(error.name).toBe("MeshError");
  });
});
