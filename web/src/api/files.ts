/** The files API's flows the screens share: upload (sign, POST to storage, wait for processing), the avatar. */
import { ApiClient, ApiError } from "./client";
import type { CreatedUpload, FileDetail, FileList, FileView } from "./types";
import { UploadProgress, uploadWithProgress } from "./upload";

/** The avatar is the newest ready image whose name starts with "avatar" (the profile has no avatar field). */
export const AVATAR_NAME = /^avatar[.\-_]/i;

export function isAvatar(file: FileView): boolean {
  return file.status === "ready" && file.contentType.startsWith("image/") && AVATAR_NAME.test(file.fileName);
}

/** Files are listed newest first (ULID ids, descending). */
export function findAvatar(files: readonly FileView[]): FileView | undefined {
  return files.find(isAvatar);
}

/** The name an avatar upload gets: `avatar.<ext of the chosen file>`. */
export function avatarFileName(original: string): string {
  const ext = /\.([A-Za-z0-9]{1,8})$/.exec(original)?.[1]?.toLowerCase() ?? "img";
  return `avatar.${ext}`;
}

export async function listFiles(api: ApiClient): Promise<FileView[]> {
  return (await api.get<FileList>("/files?limit=100")).body.files;
}

export async function describeFile(api: ApiClient, fileId: string): Promise<FileDetail> {
  return (await api.get<FileDetail>(`/files/${encodeURIComponent(fileId)}`)).body;
}

/** Signs an upload, sends the bytes with progress, and returns the new file's id. */
export async function uploadFile(api: ApiClient, file: File, fileName: string, onProgress: (p: UploadProgress) => void): Promise<string> {
  const created = (await api.post<CreatedUpload>("/files", { fileName, contentType: file.type || "application/octet-stream", size: file.size })).body;
  await uploadWithProgress(created.upload, file, onProgress);
  return created.file.fileId;
}

/**
 * Waits until storage's event made the file ready (or rejected it): processing is asynchronous (S3 → SQS →
 * object-metadata). Throws with the rejection reason, or when it takes longer than `timeoutMs`.
 */
export async function waitUntilProcessed(api: ApiClient, fileId: string, timeoutMs = 60_000, intervalMs = 1000): Promise<FileDetail> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const detail = await describeFile(api, fileId);
    if (detail.file.status === "ready") return detail;
    if (detail.file.status === "rejected") throw new ApiError(422, "Rejected", `The upload was rejected (${detail.file.reason ?? "no reason given"}).`);
    if (Date.now() > deadline) throw new ApiError(0, "Timeout", "The upload arrived but was not processed in time. Refresh the list in a moment.");
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}
