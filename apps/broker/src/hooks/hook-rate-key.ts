/** The rate-limit key of a hook: its pid (empty when absent) and cwd. A pid has no colon, so this is unambiguous. */
export function hookRateKey(pid: number | null, cwd: string): string {
  return `${pid ?? ""}:${cwd}`;
}
