/**
 * Uploads a file through a presigned POST (multipart/form-data: every signed field, then the file as the last field),
 * with progress from XMLHttpRequest's `upload.onprogress` (fetch has no upload progress). The bucket's CORS rules
 * allow the app's origin.
 */
import { ApiError } from "./client";
import type { UploadInstructions } from "./types";

export interface UploadProgress {
  readonly loaded: number;
  readonly total: number;
}

/** The form the presigned POST expects: the signed fields in order, the file last. */
export function uploadForm(instructions: UploadInstructions, file: Blob, fileName: string): FormData {
  const form = new FormData();
  for (const [name, value] of Object.entries(instructions.fields)) form.append(name, value);
  form.append(instructions.fileField, file, fileName);
  return form;
}

/** S3's XML error `<Code>..</Code><Message>..</Message>`, read without a DOM parser. */
export function s3ErrorMessage(status: number, xml: string): ApiError {
  const code = /<Code>([^<]*)<\/Code>/.exec(xml)?.[1] ?? `Http${status}`;
  const message = /<Message>([^<]*)<\/Message>/.exec(xml)?.[1];
  return new ApiError(status, code, `The upload was refused by storage: ${message ?? code} (HTTP ${status}).`);
}

export function uploadWithProgress(instructions: UploadInstructions, file: File, onProgress: (p: UploadProgress) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open(instructions.method, instructions.url);
    xhr.upload.onprogress = (e) => onProgress({ loaded: e.loaded, total: e.lengthComputable ? e.total : file.size });
    xhr.onload = () => {
      if (xhr.status >= 200 && xhr.status < 300) {
        onProgress({ loaded: file.size, total: file.size });
        resolve();
      } else reject(s3ErrorMessage(xhr.status, xhr.responseText));
    };
    xhr.onerror = () => reject(new ApiError(0, "NetworkError", "The upload could not reach storage (network or CORS failure)."));
    xhr.onabort = () => reject(new ApiError(0, "Aborted", "The upload was cancelled."));
    xhr.send(uploadForm(instructions, file, file.name));
  });
}
