import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { ExecutionStatus } from './protocol.ts';

/** One execution as the engine knows it; what the journal file keeps. Dates are simulated epoch ms. */
export interface ExecutionRecord {
  executionArn: string;
  stateMachineArn: string;
  /** the version it runs, when started through a version or an alias (AWS leaves both out otherwise) */
  stateMachineVersionArn?: string;
  stateMachineAliasArn?: string;
  name: string;
  input: unknown;
  status: ExecutionStatus;
  startDate: number;
  stopDate?: number;
  output?: unknown;
  error?: string;
  cause?: string;
}

interface JournalFile {
  version: 1;
  executions: ExecutionRecord[];
}

/** Finished executions kept in the file; running ones are always kept (they are what a restart resumes). */
const FINISHED_KEPT = 2000;
/** Writes are coalesced: many changes within this window cost one write. */
const WRITE_DELAY_MS = 20;

/**
 * A JSON file of executions, rewritten atomically (temp file + rename) a moment after each change, so a
 * crash leaves either the old or the new file, never half of one.
 */
export class Journal {
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> = Promise.resolve();
  private dirty = false;

  private constructor(
    private readonly path: string | undefined,
    private readonly snapshot: () => Iterable<ExecutionRecord>,
  ) {}

  /** Reads the executions a previous engine left in `path` (none when there is no file or no path). */
  static async load(path: string | undefined): Promise<ExecutionRecord[]> {
    if (!path) return [];
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
    const file = JSON.parse(text) as JournalFile;
    if (file.version !== 1 || !Array.isArray(file.executions)) throw new Error(`unreadable journal ${path}`);
    return file.executions;
  }

  /** A journal writing `snapshot()` to `path`; without a path it keeps nothing. */
  static open(path: string | undefined, snapshot: () => Iterable<ExecutionRecord>): Journal {
    return new Journal(path, snapshot);
  }

  /** Notes that executions changed; the file is rewritten shortly. */
  touch(): void {
    if (!this.path) return;
    this.dirty = true;
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      this.flush().catch((error) => console.error(`journal ${this.path}: ${error}`));
    }, WRITE_DELAY_MS).unref();
  }

  /** Writes pending changes now; resolves when the file is on disk. */
  async flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    // A failed earlier write must not block later ones; its caller already saw the error.
    this.writing = this.writing.catch(() => {}).then(() => this.write());
    return this.writing;
  }

  private async write(): Promise<void> {
    if (!this.path || !this.dirty) return;
    this.dirty = false;
    const records = [...this.snapshot()];
    const finished = records.filter((r) => r.status !== 'RUNNING');
    const keep = new Set(finished.slice(-FINISHED_KEPT));
    const executions = records.filter((r) => r.status === 'RUNNING' || keep.has(r));
    const file: JournalFile = { version: 1, executions };
    await mkdir(dirname(this.path), { recursive: true });
    const temp = `${this.path}.${process.pid}.tmp`;
    await writeFile(temp, JSON.stringify(file), { mode: 0o600 });
    await rename(temp, this.path);
  }
}
