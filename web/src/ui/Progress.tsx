import type { UploadProgress } from "../api/upload";

/** Upload progress as a labelled <progress> with its percentage in text. */
export function Progress({ id, progress }: { id: string; progress: UploadProgress | undefined }) {
  if (progress === undefined) return null;
  const pct = progress.total > 0 ? Math.round((progress.loaded / progress.total) * 100) : 0;
  return (
    <div class="progress">
      <label for={id}>Upload progress</label>
      <progress id={id} max={100} value={pct}>
        {pct}%
      </progress>
      <span aria-live="polite">{pct}%</span>
    </div>
  );
}
