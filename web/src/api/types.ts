/** The API's response shapes the app reads (see lambdas/profile, lambdas/files, lambdas/analytics). */

/** `GET`/`PUT /profiles/me`: the shape the profile API defines (type-only import: nothing of the handlers is bundled). */
export type { ProfileResponse as Profile } from "../../../lambdas/profile/api-types";

/** `PUT /profiles/me`: a full replacement; unknown fields are refused. */
export interface ProfileInput {
  readonly displayName: string;
  readonly locale?: string;
  readonly bio?: string;
}

export type FileStatus = "pending" | "ready" | "rejected" | "deleted";

export interface FileView {
  readonly fileId: string;
  readonly fileName: string;
  readonly contentType: string;
  readonly size: number;
  readonly status: FileStatus;
  readonly requestedAt: string;
  readonly createdAt?: string;
  readonly reason?: string;
}

export interface UploadInstructions {
  readonly method: "POST";
  readonly url: string;
  readonly fields: Record<string, string>;
  readonly fileField: string;
  readonly expiresAt: string;
}

export interface CreatedUpload {
  readonly file: FileView;
  readonly upload: UploadInstructions;
}

export interface FileList {
  readonly files: FileView[];
  readonly nextCursor?: string;
}

export interface FileDetail {
  readonly file: FileView;
  readonly download?: { readonly url: string; readonly expiresAt: string };
}

export interface ActivitySummary {
  readonly userId: string;
  readonly days: number;
  readonly since: string;
  readonly total: number;
  readonly counts: Record<string, number>;
}

export interface EventsAccepted {
  readonly accepted: number;
  readonly failed: number;
}

export interface DeletionStarted {
  readonly executionId: string;
  readonly statusUrl: string;
}

export interface DeletionStatus {
  readonly executionId: string;
  readonly status: "RUNNING" | "SUCCEEDED" | "FAILED" | "TIMED_OUT" | "ABORTED" | "PENDING_REDRIVE";
  readonly startedAt: string | null;
  readonly stoppedAt: string | null;
  readonly error: string | null;
  readonly removed: Record<string, unknown> | null;
}
