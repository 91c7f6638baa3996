/** `sbatch --parsable` prints `123` or `123;cluster`; plain sbatch prints `Submitted batch job 123`. */
export function parseSbatchOutput(stdout: string): string {
  const text = stdout.trim();
  const parsable = /^(\d+)(?:;\S+)?$/m.exec(text);
  if (parsable) {
    return parsable[1];
  }
  const plain = /Submitted batch job (\d+)/.exec(text);
  if (plain) {
    return plain[1];
  }
  throw new Error(`sbatch printed no job id: ${JSON.stringify(text.slice(0, 200))}`);
}
