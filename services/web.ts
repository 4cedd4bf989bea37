import { Construct } from "constructs";
import type { EnvironmentConfig } from "../environments";
import { Bucket, IBucket } from "../modules/bucket";
import { API_PATH_PREFIX, Cdn } from "../modules/cdn";
import type { IHttpApi } from "../modules/http-api";
import { StaticSite } from "../modules/static-site";
import type { WebConfig } from "../web/src/config";

/** The built SPA (web/build.ts `buildWebSync()`): a folder and its files, relative paths. */
export interface BuiltSite {
  readonly outDir: string;
  readonly files: readonly string[];
}

export interface WebServiceProps {
  /** Served same-origin under `/api` (CloudFront strips the prefix). */
  readonly api: IHttpApi;
  /** The files bucket: presigned uploads (connect-src) and downloads (img-src) go to it straight from the browser. */
  readonly filesBucket: IBucket;
  /** What config.json tells the app about sign-in: the hosted UI (code flow + PKCE) of this user pool and client. */
  readonly auth: {
    readonly region: string;
    readonly userPoolId: string;
    readonly userPoolClientId: string;
    /** `https://<domain>.auth.<region>.amazoncognito.com` (UserPool.hostedUiUrl). */
    readonly hostedUiUrl: string;
    readonly scopes: readonly string[];
  };
  /** The environment's web block: price class, WAF, custom domain, logging. */
  readonly config: EnvironmentConfig["web"];
  readonly site: BuiltSite;
}

/** Days a replaced site file is kept (a rollback re-deploys the build; the versions are only for inspection). */
const SITE_NONCURRENT_VERSION_DAYS = 30;

/**
 * The web front end of DESIGN.md: the SPA's files in a private bucket (objects uploaded by Terraform, config.json
 * generated from this stack's attributes) behind a CloudFront distribution that also routes `/api/*` to the HTTP
 * API, with the security headers that allow exactly the hosted UI and the files bucket besides itself.
 */
export class WebService extends Construct {
  public readonly bucket: Bucket;
  public readonly cdn: Cdn;
  public readonly site: StaticSite;

  constructor(scope: Construct, id: string, props: WebServiceProps) {
    super(scope, id);
    this.bucket = new Bucket(this, "Site", {
      name: "site",
      versioned: true,
      noncurrentVersionExpirationDays: SITE_NONCURRENT_VERSION_DAYS,
      // Every object is a build output Terraform uploads: nothing in it is unrecoverable, so a destroy may empty it
      // (its noncurrent versions would otherwise block the delete).
      forceDestroy: true,
    });
    const filesOrigin = `https://${props.filesBucket.regionalDomainName}`;
    const hostedUi = props.auth.hostedUiUrl;
    const c = props.config;
    this.cdn = new Cdn(this, "Cdn", {
      name: "web",
      siteBucket: this.bucket,
      api: props.api,
      priceClass: c.priceClass,
      webAclArn: c.webAclArn,
      domain: c.domain,
      logging: c.logging,
      // connect-src: the hosted UI's token endpoint (code exchange, refresh) and presigned POST uploads;
      // img-src: presigned GETs (the avatar); form-action: the hosted UI (sign-in, sign-out).
      contentSecurityPolicy: { connectSrc: [hostedUi, filesOrigin], imgSrc: [filesOrigin], formAction: [hostedUi] },
    });
    const config: WebConfig = {
      apiBaseUrl: API_PATH_PREFIX,
      region: props.auth.region,
      userPoolId: props.auth.userPoolId,
      userPoolClientId: props.auth.userPoolClientId,
      auth: { mode: "hosted-ui", domain: hostedUi, scopes: [...props.auth.scopes], redirectPath: "/auth/callback", logoutPath: "/" },
      filesOrigin,
    };
    this.site = new StaticSite(this, "Files", {
      bucket: this.bucket,
      sourceDir: props.site.outDir,
      files: props.site.files,
      generatedJson: { "config.json": config },
    });
  }
}
