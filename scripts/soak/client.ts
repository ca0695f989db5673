// One watcher of the socket soak: a socket.io client that follows one document as the browser's hook does
// (app/components/use-document-progress.ts) — join, then read the snapshot, on every (re)connect; events applied by
// the same rules (app/utils/live-progress.ts); "completed", "failed", "resync" and a disagreeing heartbeat re-read
// the snapshot — but without the hook's polling and 25 s watchdog, so a lost event shows instead of being mended.
import { io, type Socket } from "socket.io-client";
import type { DocumentEventPayload, ProgressSnapshot } from "../../app/utils/document-events";
import {
  heartbeatDisagrees,
  mergeSnapshot,
  newestReadsOnly,
  withProgressEvent,
  withSectionEvent,
} from "../../app/utils/live-progress";

export type WatcherFigures = {
  /** Connections after the first (socket.io's own reconnection, or the hook's retry after a server-side close). */
  reconnects: number;
  /** Document events received (heartbeats included). */
  events: number;
  /** Why the connection ended, each time ("transport close": the server went away; "io server disconnect"...). */
  disconnects: Record<string, number>;
};

export class Watcher {
  state: ProgressSnapshot | undefined;
  /** Joined the document's room on the current connection. */
  joined = false;
  readonly figures: WatcherFigures = { reconnects: 0, events: 0, disconnects: {} };
  private readonly socket: Socket;
  private connections = 0;
  private retry: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    private readonly url: string,
    private readonly cookie: string,
    readonly documentId: string,
    /** Each heartbeat's delivery time: now − the worker's `at`. */
    private readonly onHeartbeatDelay: (ms: number) => void,
    /** false: a control that reads the snapshot on its first connect only, to show what the soak catches. */
    private readonly rereadOnReconnect = true,
  ) {
    this.socket = io(url, {
      transports: ["websocket"],
      extraHeaders: { cookie },
      reconnectionDelayMax: 5000,
      autoConnect: false,
    });
    const socket = this.socket;
    socket.on("connect", () => {
      if (this.connections++ > 0) this.figures.reconnects++;
      // Join first, then read the snapshot: nothing committed in between can be missed.
      const first = this.connections === 1;
      socket.emit("join", documentId, (reply: { ok: boolean }) => {
        this.joined = Boolean(reply?.ok) && socket.connected;
        if (first || this.rereadOnReconnect) void this.refresh("connect");
      });
    });
    socket.on("disconnect", (reason) => {
      this.joined = false;
      this.figures.disconnects[reason] = (this.figures.disconnects[reason] ?? 0) + 1;
      // As the hook: socket.io does not retry after a server-side disconnect.
      if (reason === "io server disconnect") this.retryIn(2000);
    });
    socket.on("connect_error", () => {
      // A refused handshake (not a network error) is not retried by socket.io itself.
      if (!socket.active) this.retryIn(10_000);
    });
    socket.onAny(() => void this.figures.events++);
    socket.on("resync", () => void this.refresh("event"));
    socket.on("progress", (e: DocumentEventPayload<"progress">) => {
      if (!this.state) return;
      this.state = withProgressEvent(this.state, e);
      if (e.totalSections && this.state.sections.length === 0) void this.refresh("event");
    });
    socket.on("section", (e: DocumentEventPayload<"section">) => {
      const next = this.state && withSectionEvent(this.state, e);
      if (next) this.state = next;
      else void this.refresh("event");
    });
    socket.on("heartbeat", (e: DocumentEventPayload<"heartbeat">) => {
      this.onHeartbeatDelay(Date.now() - e.at);
      if (!this.state || heartbeatDisagrees(this.state, e)) void this.refresh("event");
    });
    socket.on("completed", () => void this.refresh("event"));
    socket.on("failed", () => void this.refresh("event"));
  }

  connect(): void {
    this.socket.connect();
  }

  get connected(): boolean {
    return this.socket.connected;
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.retry);
    this.socket.close();
  }

  private retryIn(ms: number) {
    clearTimeout(this.retry);
    this.retry = setTimeout(() => !this.closed && this.socket.connect(), ms);
  }

  private readonly read = newestReadsOnly();

  private async refresh(reason: "connect" | "event") {
    const stillNewest = this.read();
    try {
      const response = await fetch(`${this.url}/api/documents/${this.documentId}/progress`, {
        headers: { cookie: this.cookie, accept: "application/json", "x-progress-read": reason },
      });
      if (!response.ok) return void (await response.body?.cancel());
      const next = (await response.json()) as ProgressSnapshot;
      if (!this.closed && stillNewest()) this.state = this.state ? mergeSnapshot(this.state, next) : next;
    } catch {
      // The web process is away: the next (re)connect reads again.
    }
  }
}
