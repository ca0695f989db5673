import { useRevalidator } from "@remix-run/react";
import { useEffect, useRef, useState } from "react";
import { io } from "socket.io-client";
import type { DocumentEvent, ProgressSnapshot } from "~/utils/document-events";

// awaiting_payment: back from Stripe Checkout, the webhook may still be on its way.
const ACTIVE = new Set(["awaiting_payment", "queued", "generating"]);
const POLL_MS = 2000;

export function isActive(status: string) {
  return ACTIVE.has(status);
}

type Connection = "connecting" | "live" | "polling";

/**
 * Live progress of one document: the database snapshot first (on every connect), then socket events;
 * while the socket is down it polls the snapshot every 2 s.
 */
export function useDocumentProgress(initial: ProgressSnapshot) {
  const [snapshot, setSnapshot] = useState(initial);
  const [connection, setConnection] = useState<Connection>("connecting");
  const revalidator = useRevalidator();
  const statusRef = useRef(initial.status);
  const active = isActive(initial.status);
  const current = useRef(snapshot);
  current.current = snapshot;

  useEffect(() => {
    setSnapshot(initial);
  }, [initial]);

  useEffect(() => {
    if (!active) return;
    const url = `/api/documents/${initial.documentId}/progress`;
    let poll: ReturnType<typeof setInterval> | undefined;
    let closed = false;

    const apply = (next: ProgressSnapshot) => {
      if (closed) return;
      setSnapshot(next);
      if (statusRef.current !== next.status && !isActive(next.status)) revalidator.revalidate();
      statusRef.current = next.status;
    };
    const refresh = async () => {
      try {
        const response = await fetch(url, { headers: { Accept: "application/json" } });
        if (response.ok) apply(await response.json());
      } catch {
        // Offline for a moment: the next poll or reconnect tries again.
      }
    };
    const startPolling = () => {
      setConnection("polling");
      poll ??= setInterval(refresh, POLL_MS);
    };
    const stopPolling = () => {
      clearInterval(poll);
      poll = undefined;
    };

    const socket = io({ transports: ["websocket", "polling"], reconnectionDelayMax: 5000 });
    socket.on("connect", () => {
      stopPolling();
      // Join first, then read the snapshot: nothing committed in between can be missed.
      socket.emit("join", initial.documentId, (reply: { ok: boolean }) => {
        if (reply?.ok) setConnection("live");
        else startPolling();
        void refresh();
      });
    });
    socket.on("disconnect", startPolling);
    socket.on("connect_error", startPolling);
    socket.on("resync", refresh);
    socket.on("progress", (e: Extract<DocumentEvent, { type: "progress" }>) => {
      setSnapshot((s) => ({
        ...s,
        percent: Math.max(s.percent, e.percent),
        stage: e.stage,
        currentSection: e.currentSection,
        totalSections: e.totalSections,
        etaSeconds: e.etaSeconds,
        status: e.status,
      }));
      // The outline just appeared: fetch the section list once.
      if (e.totalSections && current.current.sections.length === 0) void refresh();
    });
    socket.on("section", (e: Extract<DocumentEvent, { type: "section" }>) => {
      if (!current.current.sections.some((x) => x.index === e.index)) return void refresh();
      setSnapshot((s) => ({
        ...s,
        sections: s.sections.map((x) => (x.index === e.index ? { ...x, status: e.status, wordCount: e.wordCount ?? x.wordCount } : x)),
      }));
    });
    socket.on("completed", refresh);
    socket.on("failed", refresh);

    return () => {
      closed = true;
      stopPolling();
      socket.close();
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [initial.documentId, active]);

  return { snapshot, connection };
}
