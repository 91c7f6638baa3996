export const USAGE = `Usage: hfss-job-manager <command> [options]

  serve                       start the service (settings from HFSS_JM_* variables)
  submit <config.json> [--wait]
                              submit one config (or a JSON array of configs), also as saved from PyEDB
                              (model_dump(), to_dict() or {"config", "priority"}); relative project paths are resolved here.
                              An array goes in one POST /jobs/submit-batch (per 10,000): every config is answered; refused
                              ones are listed on stderr and the exit code is 6, the others are submitted (and waited for)
  submit --upload <project> [config.json] [--wait]
                              upload a local .aedt/.aedtz/.aedb (folder or zip) with POST /projects, then submit it
                              as project_ref (the config's project_path is replaced)
  status [job_id]             one job, or the queue and the latest jobs
  list [--status S] [--limit N] [--offset N]
                              jobs, newest first, as a table
  cancel <job_id>             cancel a queued or running job
  retry <job_id>              run a failed, cancelled or timed-out job again under the same jobid
  wait <job_id>... [--timeout S]
                              wait for jobs to finish, showing their progress
  logs <job_id> [-f] [--tail N] [--source scheduler]
                              the solver log (or the scheduler's output file); -f follows it until the job ends
  files <job_id>              the files the job produced (work dir and results folder)
  download <job_id> [root/path] [-o file]
                              one file as listed by "files", or without a path the zip of all of them (<job_id>.zip)

Options:
  --url URL        the service (default $HFSS_JM_URL or http://127.0.0.1:8080)
  --token TOKEN    bearer token (default $HFSS_JM_API_TOKEN)
  --json           machine-readable output (the service's JSON)
  --timeout S      seconds for wait, submit --wait and logs -f (default 3600)

Exit codes: 0 ok, 1 a job ended failed/cancelled/timed out, 2 usage error, 3 not found,
            4 service unreachable, 5 timed out, 6 request refused by the service (other 4xx/5xx)`;
