import { Construct } from "constructs";
import { Bucket } from "../modules/bucket";
import type { HttpApi, HttpJwtAuthorizer } from "../modules/http-api";
import type { LambdaFunction } from "../modules/lambda-function";
import { Queue } from "../modules/queue";
import { Table } from "../modules/table";
import type { FunctionFactory, HandlerEntry } from "./functions";
import { FILES_BUCKET_NAME_ENV, FILES_CONTENT_TYPES_ENV, FILES_MAX_SIZE_ENV, FILES_TABLE_NAME_ENV, FILES_TABLE_SCHEMA, UPLOADS_PREFIX } from "../lambdas/files/schema";

export interface FilesServiceProps {
  /** The API whose routes `POST /files`, `GET /files`, `GET|DELETE /files/{id}` this service adds. */
  readonly api: HttpApi;
  /** Every route is behind it. */
  readonly authorizer: HttpJwtAuthorizer;
  /** Entries of the two handlers (bundled by the stack's single esbuild run). */
  readonly handlers: { readonly filesApi: HandlerEntry; readonly objectMetadata: HandlerEntry };
  readonly functions: FunctionFactory;
  /** Origins of the web app: the only origins the bucket's CORS lets upload (POST) and download (GET). */
  readonly webOrigins: readonly string[];
  /** Largest upload in bytes. */
  readonly maxFileSizeBytes: number;
  /** Media types an upload may declare. */
  readonly allowedContentTypes: readonly string[];
  readonly guards: { readonly deletionProtection: boolean; readonly pointInTimeRecovery: boolean; readonly preventDestroy: boolean };
}

/** Days a replaced or deleted version of an upload is kept (recovery from an accidental overwrite or delete). */
const NONCURRENT_VERSION_DAYS = 30;
/** An upload interrupted mid-way (multipart) is cleaned up after a day. */
const ABORT_MULTIPART_DAYS = 1;
/** What the functions may touch: the uploads, nothing else of the bucket. */
const UPLOADS_PATTERN = `${UPLOADS_PREFIX}*`;
/** Events of a handful of objects per batch: each needs a HeadObject and a conditional write. */
const OBJECT_EVENTS_BATCH_SIZE = 10;

/**
 * The files service of DESIGN.md: clients upload and download directly with S3 through presigned requests that
 * files-api signs for the caller's own keys; S3 events (uploads/ only) → SQS (+DLQ) → object-metadata keep the file
 * items in DynamoDB.
 */
export class FilesService extends Construct {
  public readonly bucket: Bucket;
  public readonly table: Table;
  /** S3 events of `uploads/`; its dead-letter queue holds what object-metadata could not process. */
  public readonly events: Queue;
  public readonly api: LambdaFunction;
  public readonly objectMetadata: LambdaFunction;

  constructor(scope: Construct, id: string, props: FilesServiceProps) {
    super(scope, id);
    const disposable = !props.guards.deletionProtection;
    this.bucket = new Bucket(this, "Bucket", {
      name: "files",
      versioned: true,
      noncurrentVersionExpirationDays: NONCURRENT_VERSION_DAYS,
      abortIncompleteMultipartUploadDays: ABORT_MULTIPART_DAYS,
      cors: [
        {
          allowedOrigins: [...props.webOrigins],
          allowedMethods: ["GET", "POST"],
          allowedHeaders: ["*"],
          exposeHeaders: ["ETag"],
          maxAgeSeconds: 3000,
        },
      ],
      // A throw-away environment is destroyed with its uploads; every other one refuses to delete a non-empty bucket.
      forceDestroy: disposable,
      preventDestroy: props.guards.preventDestroy,
    });
    this.table = new Table(this, "Table", {
      name: "files",
      partitionKey: FILES_TABLE_SCHEMA.partitionKey,
      sortKey: FILES_TABLE_SCHEMA.sortKey,
      ttlAttribute: FILES_TABLE_SCHEMA.ttlAttribute,
      pointInTimeRecovery: props.guards.pointInTimeRecovery,
      deletionProtection: props.guards.deletionProtection,
      preventDestroy: props.guards.preventDestroy,
    });

    this.api = props.functions("FilesApi", {
      name: "files-api",
      ...props.handlers.filesApi,
      description: "POST/GET /files, GET/DELETE /files/{id}: presigned uploads and downloads of the caller's files",
      environment: {
        [FILES_MAX_SIZE_ENV]: String(props.maxFileSizeBytes),
        [FILES_CONTENT_TYPES_ENV]: props.allowedContentTypes.join(","),
      },
    });
    this.table.connect(this.api, "readWrite", FILES_TABLE_NAME_ENV);
    // Signing a POST needs s3:PutObject, a download URL s3:GetObject(Version), DELETE every version: under uploads/ only.
    this.bucket.connect(this.api, "full", FILES_BUCKET_NAME_ENV, UPLOADS_PATTERN);
    for (const route of ["POST /files", "GET /files", "GET /files/{id}", "DELETE /files/{id}"]) {
      props.api.addRoute(route, this.api, { authorizer: props.authorizer });
    }

    this.objectMetadata = props.functions("ObjectMetadata", {
      name: "object-metadata",
      ...props.handlers.objectMetadata,
      description: "S3 events of uploads/ (via SQS) → file items; deletes objects that break the upload rules",
    });
    this.table.connect(this.objectMetadata, "readWrite", FILES_TABLE_NAME_ENV);
    // HeadObject of every event's object; deleting every version of an upload that broke a rule.
    this.bucket.connect(this.objectMetadata, "read", FILES_BUCKET_NAME_ENV, UPLOADS_PATTERN);
    this.bucket.grantDelete(this.objectMetadata, UPLOADS_PATTERN);
    this.events = new Queue(this, "Events", {
      name: "file-events",
      // Lambda needs ≥ 6 × the consumer's timeout, so a batch in flight is never handed to a second consumer.
      visibilityTimeoutSeconds: 6 * this.objectMetadata.timeoutSeconds,
    });
    this.bucket.notify(this.events, { events: ["s3:ObjectCreated:*", "s3:ObjectRemoved:*"], prefix: UPLOADS_PREFIX });
    this.objectMetadata.addSqsEventSource(this.events, { batchSize: OBJECT_EVENTS_BATCH_SIZE, reportBatchItemFailures: true });
  }
}
