export { HOOKED_EVENTS, type HookEvent, type HookStatus, parseHookEvent, statusForEvent } from "./hook-event.ts";
export { type HookSettings, hookCommandLine, hookSettings, shellQuote } from "./hook-settings.ts";
export { type HookTarget, hookTargets } from "./hook-targets.ts";
export { type HookPostOutcome, type HookStatusBody, postHookStatus } from "./post-hook-status.ts";
export { type BoundedRead, readBounded } from "./read-bounded.ts";
export { HOOK_LIMITS, type HookRun, runHook } from "./run-hook.ts";
