/**
 * profile-bootstrap: Cognito post-confirmation trigger that gives every confirmed user a profile (version 1, or one
 * above the user's version floor should a profile of this user id have been deleted before).
 * Idempotent: Cognito may retry the trigger, and a retry neither fails nor overwrites the profile.
 */
import type { Context, PostConfirmationTriggerEvent } from "aws-lambda";
import { createDocumentClient } from "../shared/dynamodb";
import { requireEnv } from "../shared/env";
import { logger } from "../shared/logger";
import { initialProfile } from "./domain";
import { ProfileStore, createProfileIfAbsent } from "./repository";
import { PROFILES_TABLE_NAME_ENV } from "./schema";

const store: ProfileStore = { client: createDocumentClient(), tableName: requireEnv(PROFILES_TABLE_NAME_ENV) };

export const handler = async (event: PostConfirmationTriggerEvent, context: Context): Promise<PostConfirmationTriggerEvent> => {
  logger.addContext(context);
  if (event.triggerSource !== "PostConfirmation_ConfirmSignUp") {
    logger.debug("Not a sign-up confirmation; nothing to do", { triggerSource: event.triggerSource });
    return event;
  }
  try {
    const profile = initialProfile(event.request.userAttributes, new Date().toISOString());
    const created = await createProfileIfAbsent(store, profile);
    if (created !== undefined) logger.info("Profile created", { userId: created.userId, version: created.version });
    else logger.info("Profile already exists; left unchanged", { userId: profile.userId });
    return event;
  } catch (err) {
    // Cognito turns a failed trigger into an error for the client: log what failed, with the request id.
    // (Should the profile still be missing, GET answers 404 and the user's first PUT creates it.)
    logger.error("Could not create the initial profile", {
      awsRequestId: context.awsRequestId,
      userName: event.userName,
      error: err instanceof Error ? err : new Error(String(err)),
    });
    throw err;
  }
};
