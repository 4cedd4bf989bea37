import { useCallback, useEffect, useRef, useState } from "preact/hooks";
import { ApiError } from "../api/client";
import type { DeletionStarted, DeletionStatus } from "../api/types";
import { Heading } from "./Heading";
import { ScreenProps, messageOf } from "./context";

const TERMINAL = new Set(["SUCCEEDED", "FAILED", "TIMED_OUT", "ABORTED"]);
const POLL_MS = 2000;

/** What a deletion status means to the person who asked for it. */
export function describeDeletion(status: DeletionStatus): string {
  switch (status.status) {
    case "RUNNING":
      return "Your account is being deleted: files, activity and profile are being removed.";
    case "SUCCEEDED":
      return "Your account was deleted. Signing in again is no longer possible.";
    case "PENDING_REDRIVE":
      return "The deletion stopped and is waiting to be resumed by an operator.";
    default:
      return `The deletion did not finish (${status.status}${status.error ? `: ${status.error}` : ""}). Contact support with the execution id below.`;
  }
}

/** Delete my account: DELETE /profiles/me (202), then the workflow's status from GET /profiles/me/deletion. */
export function AccountScreen({ api, notify, signOut }: ScreenProps) {
  const [status, setStatus] = useState<DeletionStatus | null>();
  const [confirmed, setConfirmed] = useState(false);
  const [busy, setBusy] = useState(false);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);

  const poll = useCallback(async (): Promise<void> => {
    try {
      const s = (await api.get<DeletionStatus>("/profiles/me/deletion")).body;
      setStatus(s);
      if (!TERMINAL.has(s.status)) timer.current = setTimeout(() => void poll(), POLL_MS);
    } catch (err) {
      if (err instanceof ApiError && err.code === "NoDeletion") setStatus(null);
      else notify({ kind: "error", message: `The deletion status could not be read: ${messageOf(err)}` });
    }
  }, [api, notify]);

  useEffect(() => {
    void poll();
    return () => clearTimeout(timer.current);
  }, [poll]);

  const remove = async (e: Event): Promise<void> => {
    e.preventDefault();
    if (!confirmed) {
      notify({ kind: "error", message: "Tick the box to confirm that you want to delete your account." });
      return;
    }
    setBusy(true);
    notify(undefined);
    try {
      const started = (await api.delete<DeletionStarted>("/profiles/me")).body;
      notify({ kind: "success", message: "Account deletion started." });
      setStatus({ executionId: started.executionId, status: "RUNNING", startedAt: null, stoppedAt: null, error: null, removed: null });
      clearTimeout(timer.current);
      timer.current = setTimeout(() => void poll(), POLL_MS);
    } catch (err) {
      notify({ kind: "error", message: `Your account could not be deleted: ${messageOf(err)}` });
    } finally {
      setBusy(false);
    }
  };

  return (
    <section aria-labelledby="main-heading">
      <Heading>Delete my account</Heading>
      {status === undefined && <p>Loading…</p>}
      {status === null && (
        <form onSubmit={remove} class="stack">
          <p>Deleting your account removes your profile, your files and your activity, and then your sign-in. It cannot be undone.</p>
          <div class="checkbox">
            <input id="confirm-delete" type="checkbox" checked={confirmed} onChange={(e) => setConfirmed(e.currentTarget.checked)} />
            <label for="confirm-delete">I understand that my account and all my data will be deleted</label>
          </div>
          <button type="submit" class="danger" disabled={busy}>
            Delete my account
          </button>
        </form>
      )}
      {status && (
        <div>
          <h2>Deletion status</h2>
          <p data-testid="deletion-status" aria-live="polite">
            <strong>{status.status}</strong>: {describeDeletion(status)}
          </p>
          <dl class="facts">
            <dt>Execution</dt>
            <dd class="mono">{status.executionId.split(":").pop()}</dd>
            {status.startedAt && (
              <>
                <dt>Started</dt>
                <dd>{new Date(status.startedAt).toLocaleString()}</dd>
              </>
            )}
            {status.stoppedAt && (
              <>
                <dt>Finished</dt>
                <dd>{new Date(status.stoppedAt).toLocaleString()}</dd>
              </>
            )}
          </dl>
          {status.status === "SUCCEEDED" && (
            <button type="button" onClick={signOut}>
              Sign out
            </button>
          )}
        </div>
      )}
    </section>
  );
}
