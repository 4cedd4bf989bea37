/**
 * delete-user-files: the delete-user workflow's DeleteFiles task. Deletes the user's uploads (every version and delete
 * marker) and file items, a bounded amount per invocation: it stops taking new pages when less than
 * `SAFETY_MARGIN_MS` of the invocation is left and answers `done: false`, and the state machine invokes it again.
 */
import type { Context } from "aws-lambda";
import { createDocumentClient } from "../shared/dynamodb";
import { requireEnv } from "../shared/env";
import { logger } from "../shared/logger";
import { createS3Client } from "../files/objects";
import { FILES_BUCKET_NAME_ENV, FILES_TABLE_NAME_ENV } from "../files/schema";
import { FilesTarget, deleteUserFiles, parseDeleteFilesInput } from "./files";
import type { DeleteFilesOutput } from "./schema";

const target: FilesTarget = {
  s3: createS3Client(),
  bucket: requireEnv(FILES_BUCKET_NAME_ENV),
  dynamodb: createDocumentClient(),
  table: requireEnv(FILES_TABLE_NAME_ENV),
};

/** A page (list + delete of 1,000 versions) takes well under this. */
export const SAFETY_MARGIN_MS = 10_000;

export const handler = async (event: unknown, context: Context): Promise<DeleteFilesOutput> => {
  logger.addContext(context);
  const input = parseDeleteFilesInput(event);
  const out = await deleteUserFiles(target, input, () => context.getRemainingTimeInMillis() > SAFETY_MARGIN_MS);
  logger.info("Deleted user files", { done: out.done, totals: out.totals });
  return out;
};
