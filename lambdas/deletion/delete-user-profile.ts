/**
 * delete-user-profile: the delete-user workflow's DeleteProfile task. Deletes the profile with its version floor in one
 * transaction (the stream then publishes profile.deleted, as for any deletion) and records on the floor that the
 * account is deleted, so the profile can never be created again. Idempotent: a re-run finds no profile and succeeds.
 */
import type { Context } from "aws-lambda";
import { createDocumentClient } from "../shared/dynamodb";
import { requireEnv } from "../shared/env";
import { logger } from "../shared/logger";
import { ProfileStore, deleteProfile } from "../profile/repository";
import { PROFILES_TABLE_NAME_ENV } from "../profile/schema";
import { InvalidTaskInputError } from "./files";
import type { DeleteProfileInput, DeleteProfileOutput } from "./schema";

const store: ProfileStore = { client: createDocumentClient(), tableName: requireEnv(PROFILES_TABLE_NAME_ENV) };

export function parseDeleteProfileInput(input: unknown): DeleteProfileInput {
  const value = input as Partial<DeleteProfileInput> | null;
  if (typeof value?.userId !== "string" || value.userId === "" || value.userId.length > 128) {
    throw new InvalidTaskInputError("DeleteProfile: input.userId must be a user id of 1–128 characters");
  }
  if (typeof value.executionName !== "string" || !/^[A-Za-z0-9_-]{1,80}$/.test(value.executionName)) {
    throw new InvalidTaskInputError("DeleteProfile: input.executionName must be a Step Functions execution name");
  }
  return { userId: value.userId, executionName: value.executionName };
}

export async function deleteUserProfile(profiles: ProfileStore, input: DeleteProfileInput): Promise<DeleteProfileOutput> {
  const deleted = await deleteProfile(profiles, input.userId, { kind: "none" }, { accountDeletion: { executionName: input.executionName } });
  return { profileDeleted: deleted !== undefined, deletedVersion: deleted ?? null, deletedAt: new Date().toISOString() };
}

export const handler = async (event: unknown, context: Context): Promise<DeleteProfileOutput> => {
  logger.addContext(context);
  const out = await deleteUserProfile(store, parseDeleteProfileInput(event));
  logger.info("Deleted the profile", { ...out });
  return out;
};
