import type { Notice } from "./context";

/**
 * The alert region: always in the document (so assistive technology watches it), filled with an error
 * (role="alert") or a success message (role="status").
 */
export function Notices({ notice, onDismiss }: { notice: Notice | undefined; onDismiss: () => void }) {
  const error = notice?.kind === "error" ? notice : undefined;
  const success = notice?.kind === "success" ? notice : undefined;
  return (
    <div class="notices">
      <div role="alert" class={error ? "notice notice-error" : "notice-empty"}>
        {error && (
          <>
            <p>{error.message}</p>
            <div class="actions">
              {error.action && (
                <button type="button" onClick={error.action.run}>
                  {error.action.label}
                </button>
              )}
              <button type="button" class="secondary" onClick={onDismiss}>
                Dismiss
              </button>
            </div>
          </>
        )}
      </div>
      <div role="status" class={success ? "notice notice-success" : "notice-empty"}>
        {success && <p>{success.message}</p>}
      </div>
    </div>
  );
}
