export { CloseCode } from "./close-codes.ts";
export { ErrorCode } from "./error-codes.ts";
export { toError } from "./to-error.ts";
