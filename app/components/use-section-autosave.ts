import { useCallback, useEffect, useRef, useState } from "react";
import { brokenCitations } from "~/utils/citations";

// One section's autosave: a save about a second after typing stops, one in flight at a time; a failed or offline
// save retries (when the browser comes back online, and with backoff); the unsaved text is kept in localStorage under
// the document, the section and the revision it was made from, so a reload (or a crash) does not lose it.

export type SaveState =
  | { kind: "saved"; at: number | null }
  | { kind: "unsaved" }
  | { kind: "saving" }
  | { kind: "offline" }
  | { kind: "retrying" }
  | { kind: "conflict"; theirs: { revision: number; content: string } }
  | { kind: "broken"; markers: string[] }
  | { kind: "error"; message: string };

export const AUTOSAVE_DELAY_MS = 1000;
const MAX_RETRY_DELAY_MS = 30_000;

type Draft = { documentId: string; index: number; revision: number; content: string };

const draftPrefix = (documentId: string, index: number) => `tesigo:draft:${documentId}:${index}:`;
const draftKey = (draft: Omit<Draft, "content">) => `${draftPrefix(draft.documentId, draft.index)}${draft.revision}`;

function storage(): Storage | null {
  try {
    return window.localStorage;
  } catch {
    return null; // storage disabled by the browser: autosave still works, a reload just cannot restore
  }
}

/** The section's kept unsaved text, whatever revision it was made from (at most one is kept per section). */
function readDraft(documentId: string, index: number): Draft | null {
  const store = storage();
  if (!store) return null;
  const prefix = draftPrefix(documentId, index);
  for (let i = 0; i < store.length; i++) {
    const key = store.key(i);
    if (!key?.startsWith(prefix)) continue;
    const revision = Number(key.slice(prefix.length));
    const content = store.getItem(key);
    if (Number.isSafeInteger(revision) && content !== null) return { documentId, index, revision, content };
  }
  return null;
}

function forgetDrafts(documentId: string, index: number) {
  const store = storage();
  if (!store) return;
  const prefix = draftPrefix(documentId, index);
  const keys: string[] = [];
  for (let i = 0; i < store.length; i++) if (store.key(i)?.startsWith(prefix)) keys.push(store.key(i)!);
  for (const key of keys) store.removeItem(key);
}

function keepDraft(draft: Draft) {
  forgetDrafts(draft.documentId, draft.index);
  try {
    storage()?.setItem(draftKey(draft), draft.content);
  } catch {
    // storage full: the text is still in the page and will be saved
  }
}

type Answer =
  | { ok: true; revision: number }
  | { ok: false; conflict?: { revision: number; content: string }; error?: string; retry: boolean };

async function postSection(documentId: string, index: number, content: string, revision: number): Promise<Answer> {
  const body = new FormData();
  body.set("content", content);
  body.set("revision", String(revision));
  let response: Response;
  try {
    response = await fetch(`/documents/${documentId}/sections/${index}`, {
      method: "POST",
      body,
      headers: { accept: "application/json" },
      redirect: "manual",
    });
  } catch {
    return { ok: false, retry: true }; // no connection
  }
  if (response.type === "opaqueredirect") return { ok: false, error: "signedOut", retry: false };
  const data = (await response.json().catch(() => ({}))) as {
    revision?: number;
    error?: string;
    conflict?: { revision: number; content: string };
  };
  if (response.ok && typeof data.revision === "number") return { ok: true, revision: data.revision };
  if (response.status === 409 && data.conflict) return { ok: false, conflict: data.conflict, retry: false };
  // A busy or failing server (429, 5xx) is asked again later; a refusal (4xx) says why and waits for the person.
  const retry = response.status === 429 || response.status >= 500;
  return { ok: false, error: data.error, retry };
}

export function useSectionAutosave(documentId: string, index: number, initial: { content: string; revision: number }) {
  const [content, setContent] = useState(initial.content);
  const [state, setState] = useState<SaveState>({ kind: "saved", at: null });
  const latest = useRef({ content: initial.content, revision: initial.revision, saved: initial.content });
  const inFlight = useRef(false);
  const timer = useRef<ReturnType<typeof setTimeout>>();
  const failures = useRef(0);
  const holding = useRef(false); // a conflict waits for the person's choice: no save until then

  const save = useCallback(async () => {
    clearTimeout(timer.current);
    if (inFlight.current || holding.current) return;
    const sent = latest.current.content;
    if (sent === latest.current.saved) return;
    const markers = brokenCitations(sent);
    if (markers.length) return setState({ kind: "broken", markers });
    inFlight.current = true;
    setState({ kind: "saving" });
    const answer = await postSection(documentId, index, sent, latest.current.revision);
    inFlight.current = false;
    if (answer.ok) {
      failures.current = 0;
      latest.current = { ...latest.current, revision: answer.revision, saved: sent };
      if (latest.current.content === sent) {
        forgetDrafts(documentId, index);
        setState({ kind: "saved", at: Date.now() });
      } else {
        // Typed while it was saving: the rest goes next, from the revision just made.
        keepDraft({ documentId, index, revision: answer.revision, content: latest.current.content });
        void save();
      }
      return;
    }
    if (answer.conflict) {
      holding.current = true;
      return setState({ kind: "conflict", theirs: answer.conflict });
    }
    if (!answer.retry) return setState({ kind: "error", message: answer.error ?? "" });
    failures.current += 1;
    setState({ kind: navigator.onLine ? "retrying" : "offline" });
    const delay = Math.min(AUTOSAVE_DELAY_MS * 2 ** failures.current, MAX_RETRY_DELAY_MS);
    timer.current = setTimeout(() => void save(), delay);
  }, [documentId, index]);

  const edit = useCallback(
    (text: string) => {
      latest.current.content = text;
      setContent(text);
      if (holding.current) return keepDraft({ documentId, index, revision: latest.current.revision, content: text });
      if (text === latest.current.saved) {
        forgetDrafts(documentId, index);
        clearTimeout(timer.current);
        return setState({ kind: "saved", at: null });
      }
      keepDraft({ documentId, index, revision: latest.current.revision, content: text });
      setState((s) => (s.kind === "offline" || s.kind === "retrying" || s.kind === "saving" ? s : { kind: "unsaved" }));
      clearTimeout(timer.current);
      timer.current = setTimeout(() => void save(), AUTOSAVE_DELAY_MS);
    },
    [documentId, index, save],
  );

  /** After a conflict: show the text the other tab saved, dropping this tab's. */
  const loadTheirs = useCallback(() => {
    if (state.kind !== "conflict") return;
    holding.current = false;
    forgetDrafts(documentId, index);
    latest.current = { content: state.theirs.content, revision: state.theirs.revision, saved: state.theirs.content };
    setContent(state.theirs.content);
    setState({ kind: "saved", at: null });
  }, [state, documentId, index]);

  /** After a conflict: save this tab's text over the other one, deliberately (from the revision that won). */
  const keepMine = useCallback(() => {
    if (state.kind !== "conflict") return;
    holding.current = false;
    latest.current = { ...latest.current, revision: state.theirs.revision, saved: state.theirs.content };
    keepDraft({ documentId, index, revision: state.theirs.revision, content: latest.current.content });
    void save();
  }, [state, documentId, index, save]);

  // A text left unsaved by an earlier visit comes back (made from an older revision, it meets the conflict check).
  useEffect(() => {
    const draft = readDraft(documentId, index);
    if (!draft || (draft.revision === initial.revision && draft.content === initial.content)) return;
    latest.current = { content: draft.content, revision: draft.revision, saved: initial.content };
    setContent(draft.content);
    setState({ kind: "unsaved" });
    timer.current = setTimeout(() => void save(), AUTOSAVE_DELAY_MS);
    // Only on arrival: later loader data must not replace what the person is typing.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  useEffect(() => {
    const retryNow = () => {
      failures.current = 0;
      void save();
    };
    window.addEventListener("online", retryNow);
    return () => {
      window.removeEventListener("online", retryNow);
      clearTimeout(timer.current);
    };
  }, [save]);

  return { content, state, edit, loadTheirs, keepMine, saveNow: save };
}
