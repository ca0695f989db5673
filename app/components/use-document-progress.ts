import { useRevalidator } from "@remix-run/react";
import { useEffect, useRef, useState } from "react";
import { io } from "socket.io-client";
import { HEARTBEAT_TIMEOUT_MS, type DocumentEventPayload, type ProgressSnapshot } from "~/utils/document-events";
import {
  heartbeatDisagrees,
  isActive,
  mergeSnapshot,
  newestReadsOnly,
  withProgressEvent,
  withSectionEvent,
} from "~/utils/live-progress";

const POLL_MS = 2000;

type Connection = "connecting" | "live" | "polling";
/** Why the page reads the snapshot, sent as `X-Progress-Read` (logs and tests tell the polling apart from the rest). */
type ReadReason = "poll" | "connect" | "event" | "watchdog";

/**
 * Live progress of one document: the database snapshot first (on every connect), then socket events; while the
 * socket is down it polls the snapshot every 2 s, and 25 s without any event (heartbeats come every 10 s while the
 * document is written) also make it re-read the snapshot.
 */
export function useDocumentProgress(initial: ProgressSnapshot) {
  const [snapshot, setSnapshot] = useState(initial);
  const [connection, setConnection] = useState<Connection>("connecting");
  const revalidator = useRevalidator();
  const active = isActive(initial.status);
  const current = useRef(snapshot);
  current.current = snapshot;

  useEffect(() => {
    setSnapshot(initial);
  }, [initial]);

  useEffect(() => {
    if (!active) return;
    const documentId = initial.documentId;
    const url = `/api/documents/${documentId}/progress`;
    let poll: ReturnType<typeof setInterval> | undefined;
    let retry: ReturnType<typeof setTimeout> | undefined;
    let closed = false;
    let lastHeardAt = Date.now();
    const read = newestReadsOnly();

    const apply = (next: ProgressSnapshot) => {
      if (closed) return;
      setSnapshot((previous) => mergeSnapshot(previous, next));
    };
    const refresh = async (reason: ReadReason = "event") => {
      const stillNewest = read();
      try {
        const response = await fetch(url, {
          headers: { Accept: "application/json", "X-Progress-Read": reason },
          cache: "no-store",
        });
        if (response.ok) {
          lastHeardAt = Date.now();
          const next = (await response.json()) as ProgressSnapshot;
          if (stillNewest()) apply(next);
        } else if (response.status === 404 && !closed) {
          // Signed out (or the document is gone): the page's loader knows where to go.
          stop();
          revalidator.revalidate();
        }
      } catch {
        // Offline for a moment: the next poll or reconnect tries again.
      }
    };
    const startPolling = () => {
      if (closed) return;
      setConnection("polling");
      if (poll) return;
      poll = setInterval(() => void refresh("poll"), POLL_MS);
      void refresh("poll");
    };
    const stopPolling = () => {
      clearInterval(poll);
      poll = undefined;
    };

    const socket = io({ transports: ["websocket", "polling"], reconnectionDelayMax: 5000 });
    socket.on("connect", () => {
      stopPolling();
      // Join first, then read the snapshot: nothing committed in between can be missed.
      socket.emit("join", documentId, (reply: { ok: boolean }) => {
        if (closed) return;
        if (reply?.ok) setConnection("live");
        else startPolling();
        void refresh("connect");
      });
    });
    socket.on("disconnect", (reason) => {
      startPolling();
      // socket.io does not retry after a server-side disconnect (a session that ended, a server going away): try once
      // more; if the handshake is refused, polling finds out (404) and the page sends the browser to sign in.
      if (reason === "io server disconnect") {
        clearTimeout(retry);
        retry = setTimeout(() => socket.connect(), 2000);
      }
    });
    socket.on("connect_error", () => {
      startPolling();
      // A refused handshake (not a network error) is not retried by socket.io itself.
      if (!socket.active) {
        clearTimeout(retry);
        retry = setTimeout(() => socket.connect(), 10_000);
      }
    });
    socket.onAny(() => {
      lastHeardAt = Date.now();
    });
    socket.on("resync", () => void refresh());
    socket.on("progress", (e: DocumentEventPayload<"progress">) => {
      setSnapshot((s) => withProgressEvent(s, e));
      // The outline just appeared: fetch the section list once.
      if (e.totalSections && current.current.sections.length === 0) void refresh();
    });
    socket.on("section", (e: DocumentEventPayload<"section">) => {
      if (!current.current.sections.some((x) => x.index === e.index)) return void refresh();
      setSnapshot((s) => withSectionEvent(s, e) ?? s);
    });
    socket.on("heartbeat", (e: DocumentEventPayload<"heartbeat">) => {
      if (heartbeatDisagrees(current.current, e)) void refresh();
    });
    socket.on("completed", () => void refresh());
    socket.on("failed", () => void refresh());

    // No event for 25 s while the document is active: the socket may be silently stuck; read the truth.
    const watchdog = setInterval(() => {
      if (Date.now() - lastHeardAt <= HEARTBEAT_TIMEOUT_MS) return;
      lastHeardAt = Date.now();
      void refresh("watchdog");
    }, 5000);

    function stop() {
      closed = true;
      stopPolling();
      clearTimeout(retry);
      clearInterval(watchdog);
      socket.close();
    }
    return stop;
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [initial.documentId, active]);

  // The document finished while the page's data still shows it active: read the page again (its text, downloads),
  // and again after any reload that came too early or was overtaken by a navigation, until the data says so too.
  const finishedHere = active && !isActive(snapshot.status);
  useEffect(() => {
    if (finishedHere && revalidator.state === "idle") revalidator.revalidate();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [finishedHere, revalidator.state]);

  return { snapshot, connection };
}
