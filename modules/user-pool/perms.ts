/** Reading users and their group memberships (admin API), granted on the user pool only. */
export const USER_READ_ACTIONS = ["cognito-idp:AdminGetUser", "cognito-idp:AdminListGroupsForUser", "cognito-idp:ListUsers"] as const;

/** Adding users to and removing them from groups (admin API), granted on the user pool only. */
export const GROUP_MEMBERSHIP_ACTIONS = ["cognito-idp:AdminAddUserToGroup", "cognito-idp:AdminListGroupsForUser", "cognito-idp:AdminRemoveUserFromGroup"] as const;

/** The service principal Cognito invokes Lambda triggers as. */
export const COGNITO_PRINCIPAL = "cognito-idp.amazonaws.com";
