/**
 * MaxArraySize from `scontrol show config` (`MaxArraySize            = 1001`): one more than the highest task index
 * an array may have; 0 turns job arrays off. Undefined when the line is missing or unreadable.
 */
export function parseMaxArraySize(stdout: string): number | undefined {
  const match = /^MaxArraySize\s*=\s*(\d+)\s*$/m.exec(stdout);
  return match ? Number(match[1]) : undefined;
}
