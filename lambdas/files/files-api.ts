/**
 * files-api: `POST /files`, `GET /files`, `GET /files/{id}`, `DELETE /files/{id}` behind an HTTP API (payload 2.0)
 * with a JWT authorizer. The caller is the token's `sub`; files live in the caller's partition, so another user's
 * file id is simply not found (404, never 403). Clients upload and download directly with S3 through presigned
 * requests; object-metadata turns S3's events into the file items this API reads.
 */
import type { APIGatewayProxyEventV2WithJWTAuthorizer, Context } from "aws-lambda";
import { createDocumentClient } from "../shared/dynamodb";
import { requireEnv } from "../shared/env";
import { HttpError, HttpResponse, errorToResponse, jsonResponse, noContentResponse } from "../shared/http";
import { logger } from "../shared/logger";
import { Result, parseJsonBody } from "../shared/request";
import {
  FileItem,
  UploadPolicy,
  attachmentDisposition,
  decodeCursor,
  encodeCursor,
  filePrefix,
  isFileId,
  newFileId,
  objectKey,
  parseLimit,
  quote,
  validateUploadRequest,
} from "./domain";
import { FilesBucket, createS3Client, deleteAllVersions } from "./objects";
import { presignDownload, presignUpload } from "./presign";
import { FileStore, getFile, listReadyFiles, markDeletedByOwner, putPending } from "./repository";
import { FILES_BUCKET_NAME_ENV, FILES_CONTENT_TYPES_ENV, FILES_MAX_SIZE_ENV, FILES_TABLE_NAME_ENV, PRESIGNED_URL_SECONDS } from "./schema";

const store: FileStore = { client: createDocumentClient(), tableName: requireEnv(FILES_TABLE_NAME_ENV) };
const bucket: FilesBucket = { client: createS3Client(), name: requireEnv(FILES_BUCKET_NAME_ENV) };
const policy: UploadPolicy = uploadPolicyFromEnv();

export type FilesApiEvent = APIGatewayProxyEventV2WithJWTAuthorizer;

const UPLOAD_BODY_EXAMPLE = '{"fileName":"avatar.png","contentType":"image/png","size":52144}';

function uploadPolicyFromEnv(): UploadPolicy {
  const max = Number(requireEnv(FILES_MAX_SIZE_ENV));
  if (!Number.isSafeInteger(max) || max < 1) throw new Error(`${FILES_MAX_SIZE_ENV} must be a whole number of bytes ≥ 1; it is "${process.env[FILES_MAX_SIZE_ENV]}"`);
  const contentTypes = requireEnv(FILES_CONTENT_TYPES_ENV)
    .split(",")
    .map((t) => t.trim().toLowerCase())
    .filter((t) => t !== "");
  return { maxSizeBytes: max, contentTypes };
}

export const handler = async (event: FilesApiEvent, context: Context): Promise<HttpResponse> => {
  logger.addContext(context);
  try {
    return await route(event);
  } catch (err) {
    return errorToResponse(err, { awsRequestId: context.awsRequestId, apiRequestId: event.requestContext?.requestId }, logger);
  }
};

async function route(event: FilesApiEvent): Promise<HttpResponse> {
  const owner = requireOwner(event);
  switch (event.routeKey) {
    case "POST /files":
      return createUpload(event, owner);
    case "GET /files":
      return listFiles(event, owner);
    case "GET /files/{id}":
      return describeFile(requireFileId(event), owner);
    case "DELETE /files/{id}":
      return deleteFile(requireFileId(event), owner);
    default:
      throw new HttpError(404, "RouteNotFound", `No route for ${event.routeKey}`);
  }
}

function requireOwner(event: FilesApiEvent): string {
  const context = event.requestContext as { authorizer?: { jwt?: { claims?: Record<string, unknown> } } };
  const sub = context.authorizer?.jwt?.claims?.sub;
  if (typeof sub !== "string" || sub.trim() === "" || sub.includes("/")) {
    throw new HttpError(401, "Unauthorized", "The access token lacks a usable sub claim", { "www-authenticate": "Bearer" });
  }
  return sub;
}

function requireFileId(event: FilesApiEvent): string {
  const id = event.pathParameters?.id ?? "";
  if (!isFileId(id)) throw new HttpError(404, "NotFound", `No file ${quote(id)} exists. File ids are the fileId values POST /files returned.`);
  return id;
}

function valueOrBadRequest<T>(result: Result<T, { code: string; message: string }>): T {
  if (!result.ok) throw new HttpError(400, result.error.code, result.error.message);
  return result.value;
}

/** The file as the API shows it. */
function fileView(item: FileItem): Record<string, unknown> {
  return {
    fileId: item.fileId,
    fileName: item.fileName,
    contentType: item.contentType,
    size: item.size,
    status: item.status,
    requestedAt: item.requestedAt,
    ...(item.createdAt !== undefined ? { createdAt: item.createdAt } : {}),
    ...(item.etag !== undefined ? { etag: item.etag } : {}),
    ...(item.reason !== undefined ? { reason: item.reason } : {}),
  };
}

async function createUpload(event: FilesApiEvent, owner: string): Promise<HttpResponse> {
  const body = valueOrBadRequest(parseJsonBody(event.body, event.isBase64Encoded, UPLOAD_BODY_EXAMPLE));
  const request = valueOrBadRequest(validateUploadRequest(body, policy));
  const now = new Date();
  const fileId = newFileId(now.getTime());
  const key = objectKey(owner, fileId, request.safeName);
  const upload = await presignUpload(bucket, key, request.contentType, owner, policy.maxSizeBytes);
  const item = await putPending(
    store,
    { ownerId: owner, fileId, fileName: request.fileName, key, contentType: request.contentType, size: request.size, requestedAt: now.toISOString() },
    now,
  );
  return jsonResponse(
    201,
    {
      file: fileView(item),
      upload: {
        method: "POST",
        url: upload.url,
        fields: upload.fields,
        fileField: "file",
        expiresAt: new Date(now.getTime() + PRESIGNED_URL_SECONDS * 1000).toISOString(),
        instructions:
          "POST multipart/form-data to url: every entry of fields as a form field, then the file's bytes as the last field, named file. " +
          `The file must be exactly ${request.size} bytes of ${request.contentType}; anything else is refused or deleted.`,
      },
    },
    { location: `/files/${fileId}` },
  );
}

async function listFiles(event: FilesApiEvent, owner: string): Promise<HttpResponse> {
  const query = event.queryStringParameters ?? {};
  const limit = valueOrBadRequest(parseLimit(query.limit));
  const after = valueOrBadRequest(decodeCursor(query.cursor));
  const page = await listReadyFiles(store, owner, limit, after);
  return jsonResponse(200, { files: page.items.map(fileView), ...(page.lastFileId !== undefined ? { nextCursor: encodeCursor(page.lastFileId) } : {}) });
}

async function describeFile(fileId: string, owner: string): Promise<HttpResponse> {
  const item = await getFile(store, owner, fileId);
  if (item === undefined || item.status === "deleted") throw new HttpError(404, "NotFound", `No file ${fileId} exists.`);
  if (item.status !== "ready") return jsonResponse(200, { file: fileView(item) });
  const url = await presignDownload(bucket, item.key, item.versionId, attachmentDisposition(item.fileName), item.contentType);
  return jsonResponse(200, {
    file: fileView(item),
    download: { url, expiresAt: new Date(Date.now() + PRESIGNED_URL_SECONDS * 1000).toISOString() },
  });
}

async function deleteFile(fileId: string, owner: string): Promise<HttpResponse> {
  const item = await getFile(store, owner, fileId);
  if (item === undefined) throw new HttpError(404, "NotFound", `No file ${fileId} exists.`);
  if (item.status !== "deleted") {
    // Objects first: if this fails the item stays and a retry finishes the job.
    await deleteAllVersions(bucket, filePrefix(owner, fileId));
    await markDeletedByOwner(store, owner, fileId, new Date());
  }
  return noContentResponse();
}
