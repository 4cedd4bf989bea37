import { TerraformOutput } from "cdktf";
import { LambdaFunction } from "../lambda-function";
import { asArray, synthStack, warnings } from "../../test/support/synth";
import { UserPool, UserPoolSpaClient } from "./index";

const ENTRY = `${__dirname}/../../test/fixtures/handler.ts`;
const SPA = { callbackUrls: ["https://app.example.com/callback"], logoutUrls: ["https://app.example.com/"] };

describe("UserPool", () => {
  it("defaults to case-insensitive, auto-verified e-mail usernames named <app>-<env>-<name>", () => {
    const out = synthStack((s) => new UserPool(s, "Users", { name: "users" }));
    const p = out.only("aws_cognito_user_pool");
    expect(p.name).toBe("test-dev-users");
    expect(p.username_attributes).toEqual(["email"]);
    expect(p.auto_verified_attributes).toEqual(["email"]);
    expect(p.username_configuration).toEqual({ case_sensitive: false });
    expect(p.user_attribute_update_settings).toEqual({ attributes_require_verification_before_update: ["email"] });
  });

  it("defaults to a 12-character password with upper, lower, digit and symbol and 3-day temporary passwords", () => {
    const out = synthStack((s) => new UserPool(s, "Users", { name: "users" }));
    expect(out.only("aws_cognito_user_pool").password_policy).toEqual({
      minimum_length: 12,
      require_uppercase: true,
      require_lowercase: true,
      require_numbers: true,
      require_symbols: true,
      temporary_password_validity_days: 3,
    });
  });

  it("defaults to optional TOTP MFA with no SMS, e-mail-only recovery, deletion protection and self sign-up", () => {
    const out = synthStack((s) => new UserPool(s, "Users", { name: "users" }));
    const p = out.only("aws_cognito_user_pool");
    expect(p.mfa_configuration).toBe("OPTIONAL");
    expect(p.software_token_mfa_configuration).toEqual({ enabled: true });
    expect(p.sms_configuration).toBeUndefined();
    expect(p.account_recovery_setting).toEqual({ recovery_mechanism: [{ name: "verified_email", priority: 1 }] });
    expect(p.deletion_protection).toBe("ACTIVE");
    expect(p.admin_create_user_config).toEqual({ allow_admin_create_user_only: false });
    expect(p.lifecycle).toBeUndefined();
    expect(p.lambda_config).toBeUndefined();
  });

  it("defaults to the Essentials plan with threat protection off and Cognito's built-in e-mail sender", () => {
    const out = synthStack((s) => new UserPool(s, "Users", { name: "users" }));
    const p = out.only("aws_cognito_user_pool");
    expect(p.user_pool_tier).toBe("ESSENTIALS");
    expect(p.user_pool_add_ons).toEqual({ advanced_security_mode: "OFF" });
    expect(p.email_configuration).toEqual({ email_sending_account: "COGNITO_DEFAULT" });
    expect(out.resources("aws_cognito_user_pool_domain")).toEqual({});
  });

  it("applies mfa ON, password tuning, admin-only sign-up, deletion protection off and prevent_destroy from props", () => {
    const out = synthStack(
      (s) =>
        new UserPool(s, "Users", {
          name: "users",
          mfa: "ON",
          passwordPolicy: { minLength: 16, requireSymbols: false, temporaryPasswordValidityDays: 1 },
          allowAdminCreateUserOnly: true,
          deletionProtection: false,
          preventDestroy: true,
        }),
    );
    const p = out.only("aws_cognito_user_pool");
    expect(p.mfa_configuration).toBe("ON");
    expect(p.software_token_mfa_configuration).toEqual({ enabled: true });
    expect(p.password_policy).toMatchObject({ minimum_length: 16, require_symbols: false, require_uppercase: true, temporary_password_validity_days: 1 });
    expect(p.admin_create_user_config).toEqual({ allow_admin_create_user_only: true });
    expect(p.deletion_protection).toBe("INACTIVE");
    expect(p.lifecycle).toEqual({ prevent_destroy: true });
  });

  it("mfa OFF leaves TOTP unconfigured", () => {
    const p = synthStack((s) => new UserPool(s, "Users", { name: "users", mfa: "OFF" })).only("aws_cognito_user_pool");
    expect(p.mfa_configuration).toBe("OFF");
    expect(p.software_token_mfa_configuration).toBeUndefined();
  });

  it("threat protection switches the pool to the Plus plan and sets the add-on mode", () => {
    const p = synthStack((s) => new UserPool(s, "Users", { name: "users", threatProtection: "ENFORCED" })).only("aws_cognito_user_pool");
    expect(p.user_pool_tier).toBe("PLUS");
    expect(p.user_pool_add_ons).toEqual({ advanced_security_mode: "ENFORCED" });
  });

  it("sends e-mail through SES when sesEmail is set", () => {
    const sourceArn = "arn:aws:ses:eu-west-1:123456789012:identity/example.com";
    const p = synthStack((s) => new UserPool(s, "Users", { name: "users", sesEmail: { sourceArn, fromAddress: "App <no-reply@example.com>" } })).only("aws_cognito_user_pool");
    expect(p.email_configuration).toEqual({ email_sending_account: "DEVELOPER", source_arn: sourceArn, from_email_address: "App <no-reply@example.com>" });
  });

  it("collects every invalid prop into one error naming module, prop and fix", () => {
    expect(() =>
      synthStack(
        (s) =>
          new UserPool(s, "Bad", {
            name: "bad name",
            passwordPolicy: { minLength: 7, temporaryPasswordValidityDays: 400 },
            mfa: "SMS" as any,
            threatProtection: "AUDIT",
            featurePlan: "ESSENTIALS",
            sesEmail: { sourceArn: "arn:aws:sns:eu-west-1:123456789012:t", fromAddress: "nobody" },
          }),
      ),
    ).toThrow(
      /UserPool "test\/Bad": invalid props \(7 problems\)[\s\S]*name: received "bad name"[\s\S]*passwordPolicy\.minLength: received 7; allowed: an integer from 8 to 99[\s\S]*temporaryPasswordValidityDays: received 400[\s\S]*mfa: received "SMS"[\s\S]*featurePlan: received "ESSENTIALS"; allowed: "PLUS" when threatProtection is "AUDIT"[\s\S]*sesEmail\.sourceArn[\s\S]*sesEmail\.fromAddress[\s\S]*Fix:/,
    );
  });

  it("rejects a password minimum length above 99", () => {
    expect(() => synthStack((s) => new UserPool(s, "P", { name: "p", passwordPolicy: { minLength: 100 } }))).toThrow(/passwordPolicy\.minLength: received 100/);
  });

  it("exposes userPoolId and arn, and builds issuerUrl from the pool's endpoint attribute", () => {
    let pool!: UserPool;
    const out = synthStack((s) => {
      pool = new UserPool(s, "Users", { name: "users" });
      new TerraformOutput(s, "id", { value: pool.userPoolId });
      new TerraformOutput(s, "arn", { value: pool.arn });
      new TerraformOutput(s, "issuer", { value: pool.issuerUrl });
    });
    expect(out.json.output.id.value).toBe(out.ref("aws_cognito_user_pool", "id"));
    expect(out.json.output.arn.value).toBe(out.ref("aws_cognito_user_pool", "arn"));
    expect(out.json.output.issuer.value).toBe(`https://${out.ref("aws_cognito_user_pool", "endpoint")}`);
  });

  describe("hosted UI domain", () => {
    it("creates a lower-case <app>-<env>-<prefix> domain (classic hosted UI) and its URL from the pool's region", () => {
      let pool!: UserPool;
      const out = synthStack((s) => {
        pool = new UserPool(s, "Users", { name: "users", domainPrefix: "auth" });
        new TerraformOutput(s, "hosted_ui", { value: pool.hostedUiUrl });
      });
      const d = out.only("aws_cognito_user_pool_domain");
      expect(d).toMatchObject({ domain: "test-dev-auth", user_pool_id: out.ref("aws_cognito_user_pool", "id"), managed_login_version: 1 });
      expect(pool.domain).toBe("test-dev-auth");
      const endpoint = out.ref("aws_cognito_user_pool", "endpoint").slice(2, -1);
      expect(out.json.output.hosted_ui.value).toBe(
        `https://\${aws_cognito_user_pool_domain.${Object.keys(out.resources("aws_cognito_user_pool_domain"))[0]}.domain}.auth.\${element(split(".", ${endpoint}), 1)}.amazoncognito.com`,
      );
    });

    it("rejects a prefix with upper-case letters or a reserved word", () => {
      expect(() => synthStack((s) => new UserPool(s, "U", { name: "u", domainPrefix: "Auth_" }))).toThrow(/domainPrefix: received "Auth_"/);
      expect(() => synthStack((s) => new UserPool(s, "U", { name: "u", domainPrefix: "my-cognito" }))).toThrow(
        /domainPrefix: received "test-dev-my-cognito"; allowed: a domain prefix without the reserved words.*does not contain "cognito"/,
      );
    });
  });

  describe("SPA client", () => {
    it("is a public code-flow client with openid/email/profile scopes, Cognito IdP only, SRP + refresh auth and revocation", () => {
      let client!: UserPoolSpaClient;
      const out = synthStack((s) => {
        client = new UserPool(s, "Users", { name: "users" }).addSpaClient("Spa", SPA);
        new TerraformOutput(s, "client_id", { value: client.clientId });
      });
      const c = out.only("aws_cognito_user_pool_client");
      expect(c.name).toBe("test-dev-Spa");
      expect(c.user_pool_id).toBe(out.ref("aws_cognito_user_pool", "id"));
      expect(c.generate_secret).toBe(false);
      expect(c.allowed_oauth_flows).toEqual(["code"]);
      expect(c.allowed_oauth_flows_user_pool_client).toBe(true);
      expect(c.allowed_oauth_scopes).toEqual(["openid", "email", "profile"]);
      expect(c.supported_identity_providers).toEqual(["COGNITO"]);
      expect(c.explicit_auth_flows).toEqual(["ALLOW_REFRESH_TOKEN_AUTH", "ALLOW_USER_SRP_AUTH"]);
      expect(c.prevent_user_existence_errors).toBe("ENABLED");
      expect(c.enable_token_revocation).toBe(true);
      expect(c.callback_urls).toEqual(SPA.callbackUrls);
      expect(c.logout_urls).toEqual(SPA.logoutUrls);
      expect(out.json.output.client_id.value).toBe(out.ref("aws_cognito_user_pool_client", "id"));
    });

    it("defaults token lifetimes to 60 min access, 60 min ID and 30 days refresh, with explicit units", () => {
      const c = synthStack((s) => new UserPool(s, "Users", { name: "users" }).addSpaClient("Spa", SPA)).only("aws_cognito_user_pool_client");
      expect(c.access_token_validity).toBe(60);
      expect(c.id_token_validity).toBe(60);
      expect(c.refresh_token_validity).toBe(30);
      expect(c.token_validity_units).toEqual([{ access_token: "minutes", id_token: "minutes", refresh_token: "days" }]);
    });

    it("takes token lifetimes, scopes and name from options and allows http://localhost callbacks", () => {
      const c = synthStack((s) =>
        new UserPool(s, "Users", { name: "users" }).addSpaClient("Spa", {
          callbackUrls: ["http://localhost:5173/callback", "https://app.example.com/cb"],
          accessTokenValidityMinutes: 15,
          idTokenValidityMinutes: 5,
          refreshTokenValidityDays: 1,
          oauthScopes: ["openid", "email"],
          name: "web",
        }),
      ).only("aws_cognito_user_pool_client");
      expect(c).toMatchObject({ name: "test-dev-web", access_token_validity: 15, id_token_validity: 5, refresh_token_validity: 1, allowed_oauth_scopes: ["openid", "email"] });
      expect(c.callback_urls).toEqual(["http://localhost:5173/callback", "https://app.example.com/cb"]);
      expect(c.logout_urls).toBeUndefined();
    });

    it("rejects http callbacks other than localhost, fragments, bad lifetimes and scopes without openid in one error", () => {
      expect(() =>
        synthStack((s) =>
          new UserPool(s, "Users", { name: "users" }).addSpaClient("Spa", {
            callbackUrls: ["http://app.example.com/cb"],
            logoutUrls: ["https://app.example.com/#out"],
            accessTokenValidityMinutes: 2,
            idTokenValidityMinutes: 2000,
            refreshTokenValidityDays: 4000,
            oauthScopes: ["email"],
          }),
        ),
      ).toThrow(
        /UserPool\.addSpaClient\("Spa"\) "test\/Users": invalid props \(6 problems\)[\s\S]*callbackUrls\[0\]: received "http:\/\/app\.example\.com\/cb"[\s\S]*logoutUrls\[0\][\s\S]*accessTokenValidityMinutes: received 2[\s\S]*idTokenValidityMinutes: received 2000[\s\S]*refreshTokenValidityDays: received 4000[\s\S]*oauthScopes: received \["email"\]/,
      );
    });

    it("requires at least one callback URL", () => {
      expect(() => synthStack((s) => new UserPool(s, "Users", { name: "users" }).addSpaClient("Spa", { callbackUrls: [] }))).toThrow(
        /callbackUrls: received \[\]; allowed: 1 to 100 URLs/,
      );
    });

    it("lists clients by id", () => {
      let pool!: UserPool;
      synthStack((s) => {
        pool = new UserPool(s, "Users", { name: "users" });
        pool.addSpaClient("Spa", SPA);
        pool.addSpaClient("Admin", SPA);
      });
      expect([...pool.clients.keys()]).toEqual(["Spa", "Admin"]);
    });
  });

  describe("groups", () => {
    it("addGroup creates a group with the name as given, its description and precedence", () => {
      let pool!: UserPool;
      const out = synthStack((s) => {
        pool = new UserPool(s, "Users", { name: "users" });
        pool.addGroup("admins", "Platform administrators", 0);
        pool.addGroup("support");
      });
      const groups = Object.values(out.resources("aws_cognito_user_group")) as any[];
      expect(groups).toHaveLength(2);
      expect(groups.find((g) => g.name === "admins")).toEqual({
        name: "admins",
        description: "Platform administrators",
        precedence: 0,
        user_pool_id: out.ref("aws_cognito_user_pool", "id"),
      });
      expect(groups.find((g) => g.name === "support").description).toBeUndefined();
      expect(pool.groups).toEqual(["admins", "support"]);
    });

    it("rejects a duplicate group, a name with whitespace and a negative precedence", () => {
      expect(() =>
        synthStack((s) => {
          const pool = new UserPool(s, "Users", { name: "users" });
          pool.addGroup("admins");
          pool.addGroup("admins");
        }),
      ).toThrow(/UserPool\.addGroup\("admins"\)[\s\S]*name: received "admins"; allowed: a group name not yet added/);
      expect(() => synthStack((s) => new UserPool(s, "Users", { name: "users" }).addGroup("two words", undefined, -1))).toThrow(
        /\(2 problems\)[\s\S]*name: received "two words"[\s\S]*precedence: received -1/,
      );
    });
  });

  describe("triggers", () => {
    it("addPostConfirmationTrigger sets lambda_config.post_confirmation and lets only this pool invoke the function", () => {
      const out = synthStack((s) => {
        const pool = new UserPool(s, "Users", { name: "users" });
        pool.addPostConfirmationTrigger(new LambdaFunction(s, "Bootstrap", { name: "bootstrap", entry: ENTRY, timeoutSeconds: 5 }));
      });
      expect(out.only("aws_cognito_user_pool").lambda_config).toEqual({ post_confirmation: out.ref("aws_lambda_function", "arn") });
      const perm = out.only("aws_lambda_permission");
      expect(perm).toMatchObject({
        statement_id: "AllowCognitoPostConfirmation",
        action: "lambda:InvokeFunction",
        principal: "cognito-idp.amazonaws.com",
        source_arn: out.ref("aws_cognito_user_pool", "arn"),
        function_name: out.ref("aws_lambda_function", "function_name"),
      });
    });

    it("keeps every trigger in lambda_config when several are added after construction", () => {
      const out = synthStack((s) => {
        const pool = new UserPool(s, "Users", { name: "users" });
        pool.addTrigger("preSignUp", new LambdaFunction(s, "Pre", { name: "pre", entry: ENTRY, timeoutSeconds: 3 }));
        pool.addPostConfirmationTrigger(new LambdaFunction(s, "Post", { name: "post", entry: ENTRY, timeoutSeconds: 3 }));
      });
      const fns = out.resources("aws_lambda_function");
      const arn = (part: string) => `\${aws_lambda_function.${Object.keys(fns).find((k) => k.includes(part))}.arn}`;
      expect(out.only("aws_cognito_user_pool").lambda_config).toEqual({ pre_sign_up: arn("Pre"), post_confirmation: arn("Post") });
      expect(
        Object.values(out.resources("aws_lambda_permission"))
          .map((p: any) => p.statement_id)
          .sort(),
      ).toEqual(["AllowCognitoPostConfirmation", "AllowCognitoPreSignUp"]);
    });

    it("rejects a second function for the same trigger", () => {
      expect(() =>
        synthStack((s) => {
          const pool = new UserPool(s, "Users", { name: "users" });
          pool.addPostConfirmationTrigger(new LambdaFunction(s, "A", { name: "a", entry: ENTRY, timeoutSeconds: 5 }));
          pool.addPostConfirmationTrigger(new LambdaFunction(s, "B", { name: "b", entry: ENTRY, timeoutSeconds: 5 }));
        }),
      ).toThrow(/the postConfirmation trigger is already set/);
    });

    it("warns when a trigger's timeout exceeds Cognito's 5 s wait", () => {
      let pool!: UserPool;
      synthStack((s) => {
        pool = new UserPool(s, "Users", { name: "users" });
        pool.addPostConfirmationTrigger(new LambdaFunction(s, "Slow", { name: "slow", entry: ENTRY }));
      });
      const w = warnings(pool);
      expect(w).toHaveLength(1);
      expect(w[0]).toMatch(/postConfirmation trigger "test\/Slow" has a 10 s timeout, but Cognito gives up after 5 s/);
    });

    it("adds the permission from the pool's scope for an imported function", () => {
      const arn = "arn:aws:lambda:eu-west-1:123456789012:function:shared";
      const out = synthStack((s) => new UserPool(s, "Users", { name: "users" }).addTrigger("customMessage", LambdaFunction.fromArn(s, "Shared", arn)));
      expect(out.only("aws_cognito_user_pool").lambda_config).toEqual({ custom_message: arn });
      expect(out.only("aws_lambda_permission")).toMatchObject({ function_name: arn, principal: "cognito-idp.amazonaws.com", source_arn: out.ref("aws_cognito_user_pool", "arn") });
    });
  });

  describe("grants", () => {
    it("grantReadUsers and grantManageGroupMembership scope admin actions to the pool's ARN", () => {
      const out = synthStack((s) => {
        const pool = new UserPool(s, "Users", { name: "users" });
        const reader = new LambdaFunction(s, "Reader", { name: "reader", entry: ENTRY });
        const admin = new LambdaFunction(s, "Admin", { name: "admin", entry: ENTRY });
        pool.grantReadUsers(reader);
        pool.grantManageGroupMembership(admin);
      });
      const pool = out.ref("aws_cognito_user_pool", "arn");
      const stmt = (fn: string, action: string) =>
        out
          .policies()
          .find((p) => p.address.includes(fn))!
          .document.Statement.find((st: any) => asArray(st.Action).includes(action));
      const read = stmt("Reader", "cognito-idp:AdminGetUser");
      expect(asArray(read.Action).sort()).toEqual(["cognito-idp:AdminGetUser", "cognito-idp:AdminListGroupsForUser", "cognito-idp:ListUsers"]);
      expect(read.Resource).toBe(pool);
      const manage = stmt("Admin", "cognito-idp:AdminAddUserToGroup");
      expect(asArray(manage.Action)).toContain("cognito-idp:AdminRemoveUserFromGroup");
      expect(asArray(manage.Action)).not.toContain("cognito-idp:AdminDeleteUser");
      expect(manage.Resource).toBe(pool);
    });

    it("refuses to grant a trigger function access to its own pool (Terraform dependency cycle), in either order", () => {
      expect(() =>
        synthStack((s) => {
          const pool = new UserPool(s, "Users", { name: "users" });
          const fn = new LambdaFunction(s, "Post", { name: "post", entry: ENTRY, timeoutSeconds: 5 });
          pool.addPostConfirmationTrigger(fn);
          pool.grantManageGroupMembership(fn);
        }),
      ).toThrow(/"test\/Post" is both a trigger of this pool and granted access to it[\s\S]*Fix:/);
      expect(() =>
        synthStack((s) => {
          const pool = new UserPool(s, "Users", { name: "users" });
          const fn = new LambdaFunction(s, "Post", { name: "post", entry: ENTRY, timeoutSeconds: 5 });
          pool.grantReadUsers(fn);
          pool.addPostConfirmationTrigger(fn);
        }),
      ).toThrow(/is both a trigger of this pool and granted access to it/);
    });
  });

  it("fromArn imports a pool: id and issuer from the ARN, grants on it, and rejects other ARNs", () => {
    const arn = "arn:aws:cognito-idp:eu-west-1:123456789012:userpool/eu-west-1_AbC123";
    const out = synthStack((s) => {
      const pool = UserPool.fromArn(s, "Shared", arn);
      expect(pool.userPoolId).toBe("eu-west-1_AbC123");
      expect(pool.issuerUrl).toBe("https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbC123");
      pool.grantReadUsers(new LambdaFunction(s, "R", { name: "r", entry: ENTRY }));
    });
    const st = out
      .policies()
      .filter((p) => p.address.startsWith("aws_iam_role_policy"))
      .flatMap((p) => p.document.Statement)
      .find((x: any) => asArray(x.Action).includes("cognito-idp:AdminGetUser"));
    expect(st.Resource).toBe(arn);
    expect(() => synthStack((s) => UserPool.fromArn(s, "Bad", "arn:aws:s3:::bucket"))).toThrow(/is not an cognito-idp ARN/);
    expect(() => synthStack((s) => UserPool.fromArn(s, "Bad", "arn:aws:cognito-idp:eu-west-1:123456789012:identitypool/x"))).toThrow(/is not a user pool ARN/);
  });
});
