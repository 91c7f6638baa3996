/**
 * bsub's acceptance line, as in IBM's own transcripts ("Understand successful application exit values",
 * https://www.ibm.com/docs/sr/SSWRJV_10.1.0/lsf_admin/app_profile_exit_values.html) and captured outputs:
 *   `Job <2848143> is submitted to default queue <research-rh74>.`   (no -q)
 *   `Job <764254593> is submitted to queue <test>.`                   (-q test)
 * LSF may print other lines first (esub messages, warnings); the id is taken from the acceptance line only.
 */
export function parseBsubOutput(stdout: string): string {
  const accepted = /^Job <(\d+)> is submitted to (?:default )?queue <[^>]*>\.?\s*$/m.exec(stdout);
  if (accepted) {
    return accepted[1];
  }
  throw new Error(`bsub printed no job id: ${JSON.stringify(stdout.trim().slice(0, 200))}`);
}
