/** What the list view embeds of a job and what never changes once it is stored: its config and argv JSON, and two config fields. */
export interface ListedJobBytes {
  /** The stored JSON of the config and of the argv, as JSON.stringify wrote them, as UTF-8 bytes (never decoded). */
  configJson: Buffer;
  argvJson: Buffer;
  /** `config.user` and `config.project_path`, read by SQLite (json_extract). */
  user: string | null;
  projectPath: string | null;
}

/**
 * The list view's immutable bytes of the most recently listed jobs, so a page polled again (a dashboard's
 * `GET /jobs?limit=500` every few seconds) reads only the columns that change: the config and argv are most of
 * a page's bytes, and reading them is most of its SQLite time.
 *
 * Keyed by job id and checked against the row's seq: no statement updates config or argv, and seq is unique among
 * the rows a store has ever held while the service runs (allocated from one counter), so an entry whose seq matches
 * holds the row's current bytes, and a job deleted and submitted again under the same id (a new seq) misses.
 * Bounded: the least recently listed entries go first.
 */
export class ListedJobBytesCache {
  private readonly entries = new Map<string, { seq: number; bytes: ListedJobBytes }>();

  constructor(private readonly capacity: number) {}

  get size(): number {
    return this.entries.size;
  }

  /** The bytes stored for the job with this id and seq, or undefined; a hit becomes the most recently listed. */
  get(id: string, seq: number): ListedJobBytes | undefined {
    const entry = this.entries.get(id);
    if (entry === undefined) return undefined;
    this.entries.delete(id);
    if (entry.seq !== seq) return undefined;
    this.entries.set(id, entry);
    return entry.bytes;
  }

  set(id: string, seq: number, bytes: ListedJobBytes): void {
    this.entries.delete(id);
    this.entries.set(id, { seq, bytes });
    if (this.entries.size > this.capacity) {
      // A Map iterates in insertion order: the first key is the least recently listed.
      this.entries.delete(this.entries.keys().next().value as string);
    }
  }
}
