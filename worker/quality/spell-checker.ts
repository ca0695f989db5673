// The grammar gate's built-in checker, spoken to across a thread (spell-thread.mjs), with its recent answers kept by
// paragraph: a paragraph checked while its section streamed in (precheck) is not checked again (decision 015).
import path from "node:path";
import { Worker } from "node:worker_threads";
import { projectRoot } from "../../app/utils/project-root.server";
import { RecentMap } from "./common";

/**
 * `british`: an English word the dictionary lacks whose American form it knows ("analysed"): not misspelt.
 * `correctable`: a word the dictionary lacks, not a compound of two it knows, and one edit away from one it knows.
 */
export type SpellIssue = {
  kind: "spelling" | "repetition";
  actual: string;
  start: number;
  sentenceInitial: boolean;
  british?: boolean;
  correctable?: boolean;
};

/** What the thread is asked (spell-thread.mjs answers `{ id, issues }` or `{ id, error }`). */
type SpellRequest = { op: "check"; language: string; text: string };
type Pending = {
  worker: Worker;
  resolve: (value: Record<string, unknown>) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
};

/**
 * One spelling thread and its answers for recent paragraphs: a worker has one (in its PipelineMachinery), and so has
 * each run of `npm run quality`. The thread starts on the first question and holds the dictionaries it loaded until
 * `close()`; an idle thread never keeps the process alive.
 */
export class SpellChecker {
  private thread: Worker | null = null;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  /** The thread's answers for recent paragraphs (offsets within the paragraph), by language and text. */
  private readonly checkedParagraphs = new RecentMap<string, Promise<SpellIssue[]>>(1024);

  /** The spelling and repetition issues of one paragraph in `language` (a primary language with a dictionary). */
  paragraphIssues(language: string, paragraph: string, timeoutMs: number): Promise<SpellIssue[]> {
    const key = `${language}\n${paragraph}`;
    let issues = this.checkedParagraphs.get(key);
    if (!issues) {
      const asked = this.ask({ op: "check", language, text: paragraph }, timeoutMs).then(
        (answer) => answer.issues as SpellIssue[],
      );
      // A failed check is forgotten, so the next one asks again.
      asked.catch(() => this.checkedParagraphs.peek(key) === asked && this.checkedParagraphs.delete(key));
      this.checkedParagraphs.set(key, (issues = asked));
    }
    return issues;
  }

  /** Has the thread load `language`'s dictionary and run over `sample`, without keeping the answer. */
  warmUp(language: string, sample: string, timeoutMs: number): void {
    this.ask({ op: "check", language, text: sample }, timeoutMs).catch(() => {});
  }

  /** Stops the thread and frees its dictionaries (shutdown, the admin command, tests); a later question starts another. */
  async close(): Promise<void> {
    const worker = this.thread;
    this.thread = null;
    if (worker) await worker.terminate();
  }

  private spellThread(): Worker {
    if (this.thread) return this.thread;
    const worker = new Worker(path.join(projectRoot(), "worker", "quality", "spell-thread.mjs"), {
      execArgv: [],
      // Its work is short texts: a small young generation keeps the thread from holding tens of MB it rarely needs.
      resourceLimits: { maxYoungGenerationSizeMb: 4 },
    });
    worker.unref(); // an idle checker never keeps the process alive
    worker.on("message", (message: { id: number; error?: string } & Record<string, unknown>) => {
      const waiting = this.pending.get(message.id);
      if (!waiting) return;
      this.pending.delete(message.id);
      clearTimeout(waiting.timer);
      if (message.error) waiting.reject(new Error(message.error));
      else waiting.resolve(message);
      if (![...this.pending.values()].some((p) => p.worker === worker)) worker.unref();
    });
    const fail = (error: Error) => {
      if (this.thread === worker) this.thread = null;
      for (const [id, p] of this.pending) {
        if (p.worker !== worker) continue;
        this.pending.delete(id);
        clearTimeout(p.timer);
        p.reject(error);
      }
    };
    worker.on("error", fail);
    worker.on("exit", (code) => fail(new Error(`the spell checker thread stopped (exit code ${code})`)));
    this.thread = worker;
    return worker;
  }

  private ask(request: SpellRequest, timeoutMs: number): Promise<Record<string, unknown>> {
    const worker = this.spellThread();
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`the spell checker did not answer within ${Math.round(timeoutMs / 1000)} s`));
        // A thread stuck on a dictionary is of no further use; the next check starts a fresh one.
        if (this.thread === worker) {
          this.thread = null;
          void worker.terminate();
        }
      }, timeoutMs);
      this.pending.set(id, { worker, resolve, reject, timer });
      worker.ref();
      worker.postMessage({ id, ...request });
    });
  }
}
