import { execFileSync } from "node:child_process";
import {
  chmodSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseSimulationConfig } from "../../../simulation/simulation-config.validation";
import { UnsafeScriptValueError } from "../shared/batch-script";
import { renderSlurmScript, slurmTime } from "./slurm-script.renderer";

const spec = (
  overrides: Record<string, unknown>,
  argv: string[] = ["/ansys/ansysedt", "-ng", "-batchsolve", "/p/a.aedt"],
  workDir = "/data/jobs/j1",
) => ({
  jobId: "j1",
  config: parseSimulationConfig({
    project_path: "/p/a.aedt",
    scheduler_type: "slurm",
    ...overrides,
  }),
  argv,
  workDir,
  logPath: `${workDir}/solver.log`,
});

describe("renderSlurmScript", () => {
  it("should render every directive from SchedulerOptions, then the quoted command", () => {
    const script = renderSlurmScript(
      spec({
        scheduler_options: {
          queue: "compute",
          time: "1.06:00:00",
          nodes: 4,
          tasks_per_node: 2,
          cores_per_node: 16,
          memory: "64GB",
          account: "rf-lab",
          qos: "high",
          constraints: "ib&avx512",
          exclusive: true,
          gpus: 2,
          gpu_type: "a100",
          email_notification: "eng@example.com",
          priority: "Low",
          extra_directives: ["--comment=board7"],
        },
      }),
    );
    expect(script).toBe(
      [
        "#!/bin/bash",
        "#SBATCH --job-name=j1",
        "#SBATCH --output=/data/jobs/j1/slurm-%j.out",
        "#SBATCH --chdir=/data/jobs/j1",
        "#SBATCH --time=1-06:00:00",
        "#SBATCH --nodes=4",
        "#SBATCH --ntasks-per-node=2",
        "#SBATCH --partition=compute",
        "#SBATCH --cpus-per-task=8",
        "#SBATCH --mem=64G",
        "#SBATCH --account=rf-lab",
        "#SBATCH --qos=high",
        "#SBATCH --constraint=ib&avx512",
        "#SBATCH --exclusive",
        "#SBATCH --gpus=a100:2",
        "#SBATCH --mail-user=eng@example.com",
        "#SBATCH --mail-type=END,FAIL",
        "#SBATCH --nice=1000",
        "#SBATCH --comment=board7",
        "",
        "cd '/data/jobs/j1' || exit 111",
        "printf '%s\\n' \"$SLURM_JOB_ID\" > native_id",
        "run=$(( $(cat runs 2>/dev/null | wc -l) + 1 ))",
        'if [ "$run" -gt 1 ] && [ -f solver.log ]; then mv -f solver.log "solver.run-$((run - 1)).log"; fi',
        "rm -f exit_code",
        'printf \'%s %s\\n\' "$run" "$(date +%s)" >> runs',
        "'/ansys/ansysedt' '-ng' '-batchsolve' '/p/a.aedt' >> solver.log 2>&1",
        "rc=$?",
        "printf '%s\\n' \"$rc\" > exit_code.tmp && mv -f exit_code.tmp exit_code",
        'exit "$rc"',
        "",
      ].join("\n"),
    );
  });

  it.each([
    ["24:00:00", "1-00:00:00"],
    ["90", "0-01:30:00"],
    ["2-12:30:05", "2-12:30:05"],
  ])("should convert wall time %s to %s", (input, expected) => {
    expect(slurmTime(input)).toBe(expected);
  });

  it("should keep hostile arguments inert: the solver receives them intact and nothing else runs", () => {
    const dir = mkdtempSync(join(tmpdir(), "slurm-render-"));
    const printer = join(dir, "ansysedt");
    writeFileSync(
      printer,
      '#!/bin/sh\nfor a in "$@"; do printf "%s\\n" "$a"; done\n',
    );
    chmodSync(printer, 0o755);
    const hostile = [
      `$(touch ${dir}/pwned)`,
      "`touch x`",
      "it's",
      '"q"',
      "a; touch y",
      "&& id",
      "*",
      "$HOME",
      "\\",
    ];
    const script = renderSlurmScript(spec({}, [printer, ...hostile], dir));
    writeFileSync(join(dir, "job.sh"), script);
    execFileSync("bash", [join(dir, "job.sh")]);
    expect(
      readFileSync(join(dir, "solver.log"), "utf8").split("\n").slice(0, -1),
    ).toEqual(hostile);
    expect(readFileSync(join(dir, "exit_code"), "utf8")).toBe("0\n");
    expect(
      existsSync(join(dir, "pwned")) ||
        existsSync(join(dir, "x")) ||
        existsSync(join(dir, "y")),
    ).toBe(false);
    expect(
      script.split("\n").filter((line) => line.startsWith("#SBATCH")),
    ).toHaveLength(6);
  });

  it("should refuse a newline anywhere in the script instead of letting it add a directive or a command", () => {
    expect(() =>
      renderSlurmScript(spec({}, ["/ansys/ansysedt", "x\n#SBATCH --wrap=id"])),
    ).toThrow(UnsafeScriptValueError);
    expect(() =>
      renderSlurmScript(
        spec({}, ["/ansys/ansysedt"], "/data/evil\n#SBATCH --uid=0"),
      ),
    ).toThrow(UnsafeScriptValueError);
  });
});
