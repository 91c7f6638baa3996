/** What one solver log line says about how far the solve is. */
export interface SolverProgress {
  /** 0-100. */
  percent: number;
  /** The line it came from, trimmed (shown next to the progress bar). */
  message: string;
}

const PERCENT = /(\d{1,3}(?:\.\d+)?)\s?%/;
const OF_TOTAL = /\b(?:pass|step|point|frequency|sweep|iteration|task)\s+(\d+)\s*(?:of|\/)\s*(\d+)\b/i;
const PROGRESS_WORDS = /progress|complete|solving|pass|sweep|frequenc|adaptive|mesh|iteration/i;

/**
 * Reads progress from an ansysedt batch log line (`-monitor` output): an explicit percentage on a line about
 * solving (`[info] Solving adaptive pass 3 of 6 (50%)`, `Progress: 42.5 %`), otherwise "pass/step/point i of n".
 * Lines that say nothing about progress give null; percentages are clamped to 0-100.
 */
export function parseSolverProgressLine(line: string): SolverProgress | null {
  const text = line.trim();
  if (!text || !PROGRESS_WORDS.test(text)) {
    return null;
  }
  const percent = PERCENT.exec(text);
  if (percent) {
    return { percent: clamp(Number(percent[1])), message: text };
  }
  const ofTotal = OF_TOTAL.exec(text);
  if (ofTotal && Number(ofTotal[2]) > 0) {
    return { percent: clamp((100 * Number(ofTotal[1])) / Number(ofTotal[2])), message: text };
  }
  return null;
}

/** The latest progress in a chunk of log text (its last line that says any). */
export function latestSolverProgress(text: string): SolverProgress | null {
  const lines = text.split('\n');
  for (let i = lines.length - 1; i >= 0; i--) {
    const progress = parseSolverProgressLine(lines[i]);
    if (progress) {
      return progress;
    }
  }
  return null;
}

function clamp(percent: number): number {
  return Math.min(100, Math.max(0, Math.round(percent * 10) / 10));
}
