/**
 * How long stopping a background job (a sweeper, the drainer, the wake-up
 * listener) waits for the work it has in progress. Work stuck on an
 * unreachable database would otherwise hold the shutdown for as long as the
 * driver keeps trying; past this bound it is left behind and the process
 * exits without it.
 */
export const STOP_WAIT_MS = 1000;

/**
 * Resolves true once `work` settles (either way), or false after `ms` if it
 * has not; never rejects, and leaves no timer behind once it resolves.
 */
export async function settlesWithin(work: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const expired = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  const settled = work.then(
    () => true as const,
    () => true as const,
  );
  try {
    return await Promise.race([settled, expired]);
  } finally {
    clearTimeout(timer);
  }
}
