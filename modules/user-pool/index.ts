import { Annotations, Fn, Token } from "cdktf";
import { Construct } from "constructs";
import { CognitoUserGroup } from "@cdktf/provider-aws/lib/cognito-user-group";
import { CognitoUserPool, CognitoUserPoolLambdaConfig } from "@cdktf/provider-aws/lib/cognito-user-pool";
import { CognitoUserPoolClient } from "@cdktf/provider-aws/lib/cognito-user-pool-client";
import { CognitoUserPoolDomain } from "@cdktf/provider-aws/lib/cognito-user-pool-domain";
import { LambdaPermission } from "@cdktf/provider-aws/lib/lambda-permission";
import { Grant } from "../core/grant";
import { IGrantable } from "../core/iam";
import { IFunction, IUserPool } from "../core/interfaces";
import { physicalName } from "../core/naming";
import { nameFromArn } from "../core/arn";
import { COGNITO_PRINCIPAL, GROUP_MEMBERSHIP_ACTIONS, USER_READ_ACTIONS } from "./perms";
import { validateGroup, validateSpaClient, validateUserPoolProps } from "./validate-props";

/** Password rules for users' own passwords and for temporary (admin-created) ones. */
export interface PasswordPolicy {
  /** Minimum length, 8–99. @default 12 */
  readonly minLength?: number;
  /** @default true */
  readonly requireUppercase?: boolean;
  /** @default true */
  readonly requireLowercase?: boolean;
  /** @default true */
  readonly requireDigits?: boolean;
  /** @default true */
  readonly requireSymbols?: boolean;
  /** Days a temporary password set by an administrator stays valid, 1–365. @default 3 */
  readonly temporaryPasswordValidityDays?: number;
}

/** Cognito sends its e-mails (codes, invitations) through SES instead of its built-in sender. */
export interface SesEmailOptions {
  /** ARN of a verified SES identity (domain or address) in a region Cognito supports for SES. */
  readonly sourceArn: string;
  /** From address, optionally with a display name: `App <no-reply@example.com>`; must belong to the identity. */
  readonly fromAddress: string;
  /** Reply-to address. @default none */
  readonly replyToAddress?: string;
}

export interface UserPoolProps {
  /** Logical name, 1–100 chars of [a-zA-Z0-9_.-]; the physical name is `<app>-<env>-<name>` (≤ 128). */
  readonly name: string;
  /** Password rules. @default 12+ characters with upper, lower, digit and symbol; temporary passwords valid 3 days */
  readonly passwordPolicy?: PasswordPolicy;
  /**
   * Multi-factor authentication with an authenticator app (TOTP); SMS is never configured.
   * "OPTIONAL": users may enrol; "ON": every user must set up TOTP at first sign-in; "OFF": no MFA.
   * @default "OPTIONAL"
   */
  readonly mfa?: "OFF" | "OPTIONAL" | "ON";
  /** Refuse DeleteUserPool (AWS-side guard; Terraform cannot delete the pool until it is turned off). @default true */
  readonly deletionProtection?: boolean;
  /** Terraform lifecycle `prevent_destroy` (plan fails before a destroy/replace). @default false */
  readonly preventDestroy?: boolean;
  /**
   * Only administrators create users (no self sign-up from the hosted UI or the SignUp API).
   * @default false (users sign themselves up and confirm their e-mail)
   */
  readonly allowAdminCreateUserOnly?: boolean;
  /**
   * Threat protection (formerly "advanced security": compromised-credential and adaptive-authentication checks).
   * Needs the Plus feature plan, billed per monthly active user on top of Essentials, hence off by default.
   * "AUDIT" only logs risks; "ENFORCED" acts on them.
   * @default "OFF"
   */
  readonly threatProtection?: "OFF" | "AUDIT" | "ENFORCED";
  /**
   * Cognito feature plan (pricing tier). Threat protection needs "PLUS".
   * @default "PLUS" when threatProtection is on, else "ESSENTIALS" (AWS's default for new pools)
   */
  readonly featurePlan?: "LITE" | "ESSENTIALS" | "PLUS";
  /**
   * Hosted UI / managed login domain prefix (1–40 chars of a-z, 0-9, '-'): the domain is
   * `<app>-<env>-<prefix>.auth.<region>.amazoncognito.com`, unique per region across all AWS accounts, and must not
   * contain "aws", "amazon" or "cognito". @default no hosted UI domain
   */
  readonly domainPrefix?: string;
  /**
   * Send e-mails through SES. Without it Cognito's built-in sender is used, which is capped at a few dozen
   * e-mails per day per account: enough for dev, not for production sign-ups. @default Cognito's built-in sender
   */
  readonly sesEmail?: SesEmailOptions;
}

/** A public (browser) app client using the authorization code flow with PKCE. */
export interface SpaClientOptions {
  /** Sign-in redirect URLs, 1–100; https only (http allowed for localhost / 127.0.0.1), no fragment. Required. */
  readonly callbackUrls: readonly string[];
  /** Sign-out redirect URLs, up to 100, same rules as callbackUrls. @default none */
  readonly logoutUrls?: readonly string[];
  /** Logical name, 1–100 chars of [a-zA-Z0-9_.-]; the physical name is `<app>-<env>-<name>`. @default the construct id */
  readonly name?: string;
  /** Access token lifetime, 5–1440 minutes. @default 60 */
  readonly accessTokenValidityMinutes?: number;
  /** ID token lifetime, 5–1440 minutes. @default 60 */
  readonly idTokenValidityMinutes?: number;
  /** Refresh token lifetime, 1–3650 days. @default 30 */
  readonly refreshTokenValidityDays?: number;
  /** OAuth scopes the client may request; must include "openid". @default ["openid", "email", "profile"] */
  readonly oauthScopes?: readonly string[];
  /**
   * Also allow USER_PASSWORD_AUTH (the password travels to Cognito over TLS instead of SRP): for a sign-in form and
   * test users outside production. @default false (SRP and refresh only)
   */
  readonly passwordAuth?: boolean;
}

/** Lambda triggers of a user pool (the string-valued `lambda_config` fields). */
export type UserPoolTrigger =
  | "preSignUp"
  | "postConfirmation"
  | "preAuthentication"
  | "postAuthentication"
  | "preTokenGeneration"
  | "customMessage"
  | "defineAuthChallenge"
  | "createAuthChallenge"
  | "verifyAuthChallengeResponse"
  | "userMigration";

export type { IUserPool } from "../core/interfaces";

abstract class UserPoolBase extends Construct implements IUserPool {
  public abstract readonly userPoolId: string;
  public abstract readonly arn: string;
  public abstract readonly issuerUrl: string;

  /** Gives cognito-idp:AdminGetUser, cognito-idp:AdminListGroupsForUser and cognito-idp:ListUsers on this pool's ARN. */
  public grantReadUsers(grantee: IGrantable): Grant {
    this.beforeGrant(grantee);
    return Grant.addToPrincipal(grantee, { actions: [...USER_READ_ACTIONS], resources: [this.arn] });
  }

  /**
   * Gives cognito-idp:AdminAddUserToGroup, cognito-idp:AdminListGroupsForUser and cognito-idp:AdminRemoveUserFromGroup
   * on this pool's ARN.
   */
  public grantManageGroupMembership(grantee: IGrantable): Grant {
    this.beforeGrant(grantee);
    return Grant.addToPrincipal(grantee, { actions: [...GROUP_MEMBERSHIP_ACTIONS], resources: [this.arn] });
  }

  protected beforeGrant(_grantee: IGrantable): void {}
}

class ImportedUserPool extends UserPoolBase {
  public readonly userPoolId: string;
  public readonly issuerUrl: string;
  constructor(
    scope: Construct,
    id: string,
    public readonly arn: string,
    options: UserPoolImportOptions,
  ) {
    super(scope, id);
    const importer = `UserPool.fromArn(scope, "${id}")`;
    const poolId = (resource: string): string => {
      const m = /^userpool\/([\w-]+_[0-9a-zA-Z]+)$/.exec(resource);
      if (!m) throw new Error(`${importer}: "${arn}" is not a user pool ARN. Fix: pass arn:aws:cognito-idp:<region>:<account>:userpool/<region>_<id>.`);
      return m[1];
    };
    this.userPoolId = nameFromArn(importer, arn, "cognito-idp", options.userPoolId, { resourceName: poolId, option: "userPoolId" });
    // The pool id starts with its region (`eu-west-1_AbC`); with a token id Terraform reads it at apply.
    const region = Token.isUnresolved(this.userPoolId) ? Token.asString(Fn.element(Fn.split("_", this.userPoolId), 0)) : this.userPoolId.split("_")[0];
    this.issuerUrl = `https://cognito-idp.${region}.amazonaws.com/${this.userPoolId}`;
  }
}

/** Options of `UserPool.fromArn`. */
export interface UserPoolImportOptions {
  /** The pool id, `<region>_<id>`. @default read from the ARN; required when the ARN is a token (known only at apply) */
  readonly userPoolId?: string;
}

/** A public app client of a user pool, for a single-page application. */
/** Cognito waits this long for a Lambda trigger, then fails the call and retries: a trigger's timeout stays within it. */
export const COGNITO_TRIGGER_TIMEOUT_SECONDS = 5;

export class UserPoolSpaClient extends Construct {
  public readonly clientId: string;
  public readonly resource: CognitoUserPoolClient;

  constructor(scope: Construct, id: string, userPoolId: string, options: SpaClientOptions) {
    super(scope, id);
    this.resource = new CognitoUserPoolClient(this, "Resource", {
      name: physicalName(this, options.name ?? id, { maxLength: 128, extraChars: "_." }),
      userPoolId,
      // A browser cannot keep a secret: a public client. Its code flow must use PKCE (OAuth 2.0 for browser apps,
      // RFC 9700). Cognito checks code_verifier whenever the authorize request carried a code_challenge but does not
      // reject requests without one, so the SPA's OIDC library must send code_challenge_method=S256.
      generateSecret: false,
      allowedOauthFlowsUserPoolClient: true,
      allowedOauthFlows: ["code"],
      allowedOauthScopes: [...(options.oauthScopes ?? ["openid", "email", "profile"])],
      supportedIdentityProviders: ["COGNITO"],
      callbackUrls: [...options.callbackUrls],
      logoutUrls: options.logoutUrls ? [...options.logoutUrls] : undefined,
      explicitAuthFlows: ["ALLOW_REFRESH_TOKEN_AUTH", "ALLOW_USER_SRP_AUTH", ...(options.passwordAuth === true ? ["ALLOW_USER_PASSWORD_AUTH"] : [])],
      preventUserExistenceErrors: "ENABLED",
      enableTokenRevocation: true,
      accessTokenValidity: options.accessTokenValidityMinutes ?? 60,
      idTokenValidity: options.idTokenValidityMinutes ?? 60,
      refreshTokenValidity: options.refreshTokenValidityDays ?? 30,
      tokenValidityUnits: [{ accessToken: "minutes", idToken: "minutes", refreshToken: "days" }],
    });
    this.clientId = this.resource.id;
  }
}

/**
 * A Cognito user pool for e-mail sign-in: case-insensitive e-mail usernames verified by code, a strong password
 * policy, TOTP MFA (optional by default, never SMS), recovery by verified e-mail only, deletion protection on,
 * threat protection optional. Adds SPA app clients (code flow + PKCE, no secret), groups, a hosted-UI domain and
 * Lambda triggers (each with an invoke permission scoped to this pool).
 */
export class UserPool extends UserPoolBase {
  /**
   * Imports an existing pool by ARN (`arn:aws:cognito-idp:<region>:<account>:userpool/<pool id>`), for grants and JWT
   * authorizers. A token ARN (another stack's output) needs `options.userPoolId`.
   */
  public static fromArn(scope: Construct, id: string, arn: string, options: UserPoolImportOptions = {}): IUserPool {
    return new ImportedUserPool(scope, id, arn, options);
  }

  public readonly userPoolId: string;
  public readonly arn: string;
  /** `https://cognito-idp.<region>.amazonaws.com/<pool id>`, built from the pool's `endpoint` attribute. */
  public readonly issuerUrl: string;
  /** The full hosted-UI domain prefix when domainPrefix is set. */
  public readonly domain?: string;
  /** `https://<domain>.auth.<region>.amazoncognito.com` when domainPrefix is set (OAuth authorize/token endpoints). */
  public readonly hostedUiUrl?: string;
  public readonly resource: CognitoUserPool;
  public readonly domainResource?: CognitoUserPoolDomain;
  private readonly triggers: { [K in UserPoolTrigger]?: string } = {};
  private readonly triggerFunctions = new Set<unknown>();
  private readonly grantees = new Set<unknown>();
  private readonly groupNames = new Set<string>();
  private readonly clientMap = new Map<string, UserPoolSpaClient>();

  constructor(scope: Construct, id: string, props: UserPoolProps) {
    super(scope, id);
    const domain = props.domainPrefix !== undefined ? physicalName(this, props.domainPrefix, { maxLength: 63, lowerCase: true, extraChars: "" }) : undefined;
    validateUserPoolProps(this.node.path, props, { domain });

    const pw = props.passwordPolicy ?? {};
    const mfa = props.mfa ?? "OPTIONAL";
    const threat = props.threatProtection ?? "OFF";
    const email = props.sesEmail;

    this.resource = new CognitoUserPool(this, "Resource", {
      name: physicalName(this, props.name, { maxLength: 128, extraChars: "_." }),
      usernameAttributes: ["email"],
      autoVerifiedAttributes: ["email"],
      usernameConfiguration: { caseSensitive: false },
      // Keep the old e-mail as the sign-in name until the new one is verified.
      userAttributeUpdateSettings: { attributesRequireVerificationBeforeUpdate: ["email"] },
      passwordPolicy: {
        minimumLength: pw.minLength ?? 12,
        requireUppercase: pw.requireUppercase ?? true,
        requireLowercase: pw.requireLowercase ?? true,
        requireNumbers: pw.requireDigits ?? true,
        requireSymbols: pw.requireSymbols ?? true,
        temporaryPasswordValidityDays: pw.temporaryPasswordValidityDays ?? 3,
      },
      mfaConfiguration: mfa,
      softwareTokenMfaConfiguration: mfa === "OFF" ? undefined : { enabled: true },
      accountRecoverySetting: { recoveryMechanism: [{ name: "verified_email", priority: 1 }] },
      adminCreateUserConfig: { allowAdminCreateUserOnly: props.allowAdminCreateUserOnly ?? false },
      deletionProtection: (props.deletionProtection ?? true) ? "ACTIVE" : "INACTIVE",
      userPoolTier: props.featurePlan ?? (threat === "OFF" ? "ESSENTIALS" : "PLUS"),
      userPoolAddOns: { advancedSecurityMode: threat },
      emailConfiguration: email
        ? { emailSendingAccount: "DEVELOPER", sourceArn: email.sourceArn, fromEmailAddress: email.fromAddress, replyToEmailAddress: email.replyToAddress }
        : { emailSendingAccount: "COGNITO_DEFAULT" },
      lifecycle: (props.preventDestroy ?? false) ? { preventDestroy: true } : undefined,
    });
    this.userPoolId = this.resource.id;
    this.arn = this.resource.arn;
    // endpoint = "cognito-idp.<region>.amazonaws.com/<pool id>"
    this.issuerUrl = `https://${this.resource.endpoint}`;

    if (domain !== undefined) {
      this.domain = domain;
      this.domainResource = new CognitoUserPoolDomain(this, "Domain", {
        domain,
        userPoolId: this.userPoolId,
        managedLoginVersion: 1,
      });
      const region = Token.asString(Fn.element(Fn.split(".", this.resource.endpoint), 1));
      this.hostedUiUrl = `https://${this.domainResource.domain}.auth.${region}.amazoncognito.com`;
    }
  }

  /** App clients added so far, by construct id. */
  public get clients(): ReadonlyMap<string, UserPoolSpaClient> {
    return this.clientMap;
  }

  /** Group names added so far. */
  public get groups(): readonly string[] {
    return [...this.groupNames];
  }

  /**
   * Adds a public app client for a single-page app: authorization code flow only (no implicit flow) and no client
   * secret, so the SPA must use PKCE (S256) to protect the code exchange: public clients have nothing else, and
   * Cognito verifies PKCE when the request starts it but does not force it. Scopes openid/email/profile, Cognito as
   * the only identity provider, SRP and refresh-token auth, token revocation, no user-existence leaks.
   */
  public addSpaClient(id: string, options: SpaClientOptions): UserPoolSpaClient {
    validateSpaClient(this.node.path, id, options);
    const client = new UserPoolSpaClient(this, id, this.userPoolId, options);
    this.clientMap.set(id, client);
    return client;
  }

  /**
   * Adds a group (e.g. "admins"); members get it in the `cognito:groups` claim of their tokens.
   * The name is used as given (not prefixed): it is part of the token contract and the pool is already per environment.
   * @param precedence 0 or more; lower wins when a user is in several groups. @default none
   */
  public addGroup(name: string, description?: string, precedence?: number): CognitoUserGroup {
    validateGroup(this.node.path, name, description, precedence, this.groupNames.has(name));
    this.groupNames.add(name);
    return new CognitoUserGroup(this, `Group-${name.replace(/[^A-Za-z0-9_-]/g, "_")}`, {
      userPoolId: this.userPoolId,
      name,
      description,
      precedence,
    });
  }

  /**
   * Invokes `fn` on a Cognito event (sets the pool's lambda_config) and allows Cognito to invoke it from this pool
   * only. Cognito waits at most 5 s for a trigger and retries up to 3 times, so the handler must be fast and
   * idempotent. The function must not reference the pool (its id or a grant on it): that makes a dependency cycle.
   */
  public addTrigger(trigger: UserPoolTrigger, fn: IFunction): LambdaPermission {
    if (this.triggers[trigger] !== undefined) {
      throw new Error(`UserPool "${this.node.path}": the ${trigger} trigger is already set. Fix: handle every ${trigger} case in one function.`);
    }
    if (this.grantees.has(fn)) throw this.cycleError(fn);
    if (fn.timeoutSeconds !== undefined && fn.timeoutSeconds > COGNITO_TRIGGER_TIMEOUT_SECONDS) {
      Annotations.of(this).addWarning(
        `UserPool "${this.node.path}": ${trigger} trigger "${fn.node.path}" has a ${fn.timeoutSeconds} s timeout, but Cognito gives up after 5 s and retries (the function may run several times). Fix: set the function's timeoutSeconds to 5 or less and keep the handler idempotent.`,
      );
    }
    this.triggers[trigger] = fn.arn;
    this.triggerFunctions.add(fn);
    this.resource.putLambdaConfig({ ...this.triggers } as CognitoUserPoolLambdaConfig);
    const permissionId = `Cognito${trigger.charAt(0).toUpperCase()}${trigger.slice(1)}`;
    return fn.allowInvoke(permissionId, COGNITO_PRINCIPAL, this.arn);
  }

  /** Post-confirmation trigger: runs once a user has confirmed sign-up (e.g. create the initial profile). */
  public addPostConfirmationTrigger(fn: IFunction): LambdaPermission {
    return this.addTrigger("postConfirmation", fn);
  }

  protected beforeGrant(grantee: IGrantable): void {
    if (this.triggerFunctions.has(grantee)) throw this.cycleError(grantee);
    this.grantees.add(grantee);
  }

  private cycleError(fn: IGrantable): Error {
    const path = fn.grantPrincipalPath;
    return new Error(
      `UserPool "${this.node.path}": "${path}" is both a trigger of this pool and granted access to it. Terraform cannot order that: ` +
        `the pool's lambda_config needs the function, the function waits for its role policy, and the policy needs the pool's ARN. ` +
        `Fix: do the admin call from another function (e.g. behind a queue the trigger writes to), or read what the trigger needs from its event.`,
    );
  }
}
