import { useRevalidator } from "@remix-run/react";
import { useEffect, useState } from "react";
import { io } from "socket.io-client";
import type { DocumentEventPayload, RegenerationEvent } from "~/utils/document-events";

const POLL_MS = 2000;
const ACTIVE = new Set<string>(["queued", "writing"]);

export type LiveRegeneration = { status: RegenerationEvent["status"]; words: number | null; tail: string | null };

/**
 * A regeneration at work, live: its events on the document's socket room (the words so far and the text's end while
 * it streams); when it settles the page's loader is read again. While the socket is down the loader is polled.
 */
export function useRegenerationLive(documentId: string, regeneration: { id: string; status: string } | null) {
  const revalidator = useRevalidator();
  const [live, setLive] = useState<LiveRegeneration | null>(null);
  const active = regeneration !== null && ACTIVE.has(regeneration.status);
  const regenerationId = regeneration?.id ?? null;

  useEffect(() => {
    setLive(null);
    if (!active || !regenerationId) return;
    let poll: ReturnType<typeof setInterval> | undefined;
    let closed = false;
    const reload = () => {
      if (!closed && revalidator.state === "idle") revalidator.revalidate();
    };
    const startPolling = () => {
      if (!poll) poll = setInterval(reload, POLL_MS);
    };
    const socket = io({ transports: ["websocket", "polling"], reconnectionDelayMax: 5000 });
    socket.on("connect", () => {
      socket.emit("join", documentId, (reply: { ok: boolean }) => {
        if (!reply?.ok) return startPolling();
        clearInterval(poll);
        poll = undefined;
        // Joined: whatever happened before it is in the loader's data, read once more.
        reload();
      });
    });
    socket.on("disconnect", startPolling);
    socket.on("connect_error", startPolling);
    socket.on("resync", reload);
    socket.on("regeneration", (e: DocumentEventPayload<"regeneration">) => {
      if (e.regenerationId !== regenerationId) return;
      setLive({ status: e.status, words: e.words ?? null, tail: e.tail ?? null });
      if (!ACTIVE.has(e.status)) reload();
    });
    return () => {
      closed = true;
      clearInterval(poll);
      socket.close();
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [documentId, regenerationId, active]);

  return live;
}
