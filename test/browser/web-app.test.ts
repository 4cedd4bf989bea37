/**
 * The web app in a real browser (Debian's chromium driven by playwright-core) against the local platform: one
 * `startLocalPlatform` for the file (emulators, terraform apply of platform-local, the local runtime and the local web
 * server on http://localhost:4568, the origin the bucket's CORS rules and the SPA client know). Every screen is checked
 * with axe-core (no serious or critical violation) and photographed into test-results/screenshots/.
 */
import { randomUUID } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { Browser, BrowserContext, chromium, Page } from "playwright-core";
import { freePort } from "../../lib/process";
import { LocalPlatform, startLocalPlatform } from "../../local/platform/start";
import { signIn } from "../../local/platform/users";
import { DEFAULT_WEB_PORT } from "../../local/web";

jest.setTimeout(600_000);

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const SCREENSHOTS = resolve(__dirname, "..", "..", "test-results", "screenshots");
/** A 2×2 PNG (red, green / blue, white). */
const PNG = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAFklEQVR4nGP4z8DAwMDAxMDAwMDAAAANHQEDasKb6QAAAABJRU5ErkJggg==", "base64");

// Browser globals inside page.evaluate callbacks (the node tsconfig has no DOM library).
declare const window: any;
declare const document: any;
declare const localStorage: any;
declare const sessionStorage: any;

/** What the tests need of a platform. */
type Target = Pick<LocalPlatform, "endpoint" | "apiUrl" | "userPoolClientId"> & { webUrl: string };

/**
 * `WEB_TEST_PLATFORM=<file>`: a JSON `{ webUrl, endpoint, apiUrl, userPoolClientId }` of a platform already running
 * (e.g. `npm start`'s, with its ports), instead of starting one (~2–3 min): for working on the app and these tests.
 */
const RUNNING = process.env.WEB_TEST_PLATFORM;

let platform: LocalPlatform | undefined;
let target: Target;
let root: string;
let browser: Browser;
let context: BrowserContext;
let page: Page;
const consoleProblems: string[] = [];

async function startPlatform(): Promise<Target> {
  root = mkdtempSync(join(tmpdir(), "web-browser-"));
  platform = await startLocalPlatform({
    root,
    reset: true,
    endpointPort: await freePort(),
    apiPort: await freePort(),
    webPort: DEFAULT_WEB_PORT,
    testUser: false,
    functionOutput: () => undefined,
    log: { info: () => undefined, warn: () => undefined, error: (m) => console.error(`[local] ${m}`) },
  });
  if (platform.webUrl === undefined) throw new Error("the local platform started without its web server");
  return { endpoint: platform.endpoint, apiUrl: platform.apiUrl, userPoolClientId: platform.userPoolClientId, webUrl: platform.webUrl };
}

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`No chromium at ${CHROMIUM}. Fix: apt-get install -y chromium (Debian's package; .ci/run installs it), or set CHROMIUM_PATH.`);
  }
  mkdirSync(SCREENSHOTS, { recursive: true });
  target = RUNNING !== undefined ? (JSON.parse(readFileSync(RUNNING, "utf8")) as Target) : await startPlatform();
  browser = await chromium.launch({ executablePath: CHROMIUM });
  context = await browser.newContext({ viewport: { width: 1100, height: 900 }, locale: "en-GB" });
  page = await context.newPage();
  page.on("console", (m) => {
    if (m.type() === "error") consoleProblems.push(m.text());
  });
  page.on("pageerror", (e) => consoleProblems.push(`pageerror: ${e.message}`));
});

afterAll(async () => {
  await browser?.close();
  await platform?.stop();
  if (root !== undefined) rmSync(root, { recursive: true, force: true });
});

const web = (path: string): string => `${target.webUrl}${path}`;

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: Array<{ target: string[] }>;
}

/**
 * Runs axe-core on the page. Injected through the DevTools protocol (page.evaluate) rather than a <script> tag:
 * the app's CSP (`script-src 'self'`) rightly refuses inline scripts, and it stays on during the test.
 */
async function expectAccessible(name: string): Promise<void> {
  const hasAxe = await page.evaluate(() => typeof window.axe !== "undefined");
  if (!hasAxe) await page.evaluate(readFileSync(require.resolve("axe-core"), "utf8"));
  const violations = await page.evaluate(async () => {
    const result: { violations: AxeViolation[] } = await window.axe.run(document, { resultTypes: ["violations"] });
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => ({ target: n.target })) }));
  });
  // Every finding is kept beside the screenshot; serious and critical ones fail the test.
  writeFileSync(join(SCREENSHOTS, `${name}.axe.json`), `${JSON.stringify(violations, null, 2)}\n`);
  const severe = violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  expect({ screen: name, violations: severe.map((v) => `${v.impact} ${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).join(", ")})`) }).toEqual({
    screen: name,
    violations: [],
  });
}

async function snap(name: string): Promise<void> {
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

async function heading(text: string): Promise<void> {
  await page.getByRole("heading", { level: 1, name: text }).waitFor();
  // Focus moves to the main heading on navigation.
  await page.waitForFunction((t) => document.activeElement?.tagName === "H1" && document.activeElement.textContent === t, text);
}

describe("web app in chromium on the local platform", () => {
  const email = `web-${randomUUID().slice(0, 8)}@example.com`;
  const password = "Web-Passw0rd!long";

  it("an unauthenticated visit gets the sign-in screen (deep link through the SPA fallback)", async () => {
    const res = await page.goto(web("/files"));
    expect(res?.status()).toBe(200);
    expect(res?.headers()["content-security-policy"]).toContain("script-src 'self'");
    await heading("Sign in");
    expect(await page.getAttribute("html", "lang")).toBe("en");
    expect(await page.locator("nav").count()).toBe(0);
    await expectAccessible("sign-in");
    await snap("01-sign-in");
  });

  it("signs up and signs in with the password form, then lands on the screen it asked for", async () => {
    await page.getByRole("button", { name: "Create an account" }).click();
    await heading("Create an account");
    await page.getByLabel("E-mail").fill(email);
    await page.getByLabel("Password").fill(password);
    await snap("02-sign-up");
    await page.getByRole("button", { name: "Create account and sign in" }).click();
    await heading("My files");
    expect(await page.getByText(`Signed in as ${email}`).count()).toBe(1);
  });

  it("shows and edits the profile (the post-confirmation trigger created it)", async () => {
    await page.getByRole("link", { name: "My profile" }).click();
    await heading("My profile");
    await page.waitForFunction(() => document.getElementById("displayName")?.value !== "");
    expect(await page.inputValue("#displayName")).toBe(email.split("@")[0]);
    await expectAccessible("profile");
    await snap("03-profile");
    await page.getByLabel("Display name").fill("Ada Lovelace");
    await page.getByLabel("About you (optional)").fill("Analyst of engines.");
    await page.getByRole("button", { name: "Save profile" }).click();
    await page
      .getByRole("status")
      .getByText(/Profile saved \(version \d+\)/)
      .waitFor();
    expect(await page.inputValue("#displayName")).toBe("Ada Lovelace");
  });

  it("a write from elsewhere makes the next save a 412 with a clear message; Reload shows the current version", async () => {
    // A second client (outside the browser) changes the profile at its current version.
    const tokens = await signIn(target.endpoint, target.userPoolClientId, email, password);
    const current = await fetch(`${target.apiUrl}/profiles/me`, { headers: { authorization: `Bearer ${tokens.idToken}` } });
    const res = await fetch(`${target.apiUrl}/profiles/me`, {
      method: "PUT",
      headers: { authorization: `Bearer ${tokens.idToken}`, "if-match": current.headers.get("etag") ?? "", "content-type": "application/json" },
      body: JSON.stringify({ displayName: "Changed elsewhere", bio: "Written by another client." }),
    });
    expect(res.status).toBe(200);

    await page.getByLabel("About you (optional)").fill("My edit, made on the old version.");
    await page.getByRole("button", { name: "Save profile" }).click();
    const alert = page.getByRole("alert");
    await alert.getByText(/changed elsewhere since you opened it/).waitFor();
    await expectAccessible("profile-conflict");
    await snap("04-profile-conflict");
    await alert.getByRole("button", { name: "Reload profile" }).click();
    await page
      .getByRole("status")
      .getByText(/Reloaded the current version/)
      .waitFor();
    expect(await page.inputValue("#displayName")).toBe("Changed elsewhere");
    expect(await page.inputValue("#bio")).toBe("Written by another client.");
    // Edited again on the current version: saved.
    await page.getByLabel("Display name").fill("Ada Lovelace");
    await page.getByRole("button", { name: "Save profile" }).click();
    await page
      .getByRole("status")
      .getByText(/Profile saved/)
      .waitFor();
  });

  it("uploads an avatar through the presigned POST (a cross-origin XHR with a progress listener, so a CORS preflight) and shows it", async () => {
    await page.setInputFiles("#avatar-file", { name: "me.png", mimeType: "image/png", buffer: PNG });
    await page.getByRole("status").getByText("Avatar updated.").waitFor({ timeout: 90_000 });
    const img = page.getByRole("img", { name: "Your avatar" });
    await img.waitFor();
    await page.waitForFunction(() => {
      const el = document.querySelector(".avatar img");
      return el !== null && el.complete && el.naturalWidth === 2;
    });
    await expectAccessible("profile-avatar");
    await snap("05-profile-avatar");
  });

  it("lists, uploads and deletes files", async () => {
    await page.getByRole("link", { name: "My files" }).click();
    await heading("My files");
    await page.getByRole("cell", { name: "avatar.png", exact: true }).waitFor();
    await page.setInputFiles("#upload-file", { name: "notes.txt", mimeType: "text/plain", buffer: Buffer.from("hello from the browser test\n") });
    await page.getByRole("button", { name: "Upload", exact: true }).click();
    await page.getByRole("status").getByText("Uploaded notes.txt.").waitFor({ timeout: 90_000 });
    await page.getByRole("cell", { name: "notes.txt", exact: true }).waitFor();
    await expectAccessible("files");
    await snap("06-files");
    page.once("dialog", (d) => void d.accept());
    await page.getByRole("button", { name: "Delete notes.txt" }).click();
    await page.getByRole("status").getByText("Deleted notes.txt.").waitFor();
    await page.getByRole("cell", { name: "notes.txt", exact: true }).waitFor({ state: "detached" });
  });

  it("records an activity event and sees it in the summary", async () => {
    await page.getByRole("link", { name: "My activity" }).click();
    await heading("My activity");
    await page.getByTestId("activity-total").waitFor();
    await page.getByLabel("Event type").selectOption("button.click");
    await page.getByRole("button", { name: "Record event" }).click();
    await page.getByRole("cell", { name: "button.click", exact: true }).waitFor({ timeout: 60_000 });
    expect(await page.getByTestId("activity-total").textContent()).toMatch(/^[1-9]\d* events? since/);
    await expectAccessible("activity");
    await snap("07-activity");
  });

  it("shows the account deletion screen", async () => {
    await page.getByRole("link", { name: "Delete my account" }).click();
    await heading("Delete my account");
    await page.getByLabel("I understand that my account and all my data will be deleted").waitFor();
    await expectAccessible("account");
    await snap("08-account");
  });

  it("renews tokens the way the app does (REFRESH_TOKEN_AUTH through the web origin's /_local/cognito)", async () => {
    const { passwordRefresh, passwordSignIn } = await import("../../web/src/auth/password");
    const endpoint = web("/_local/cognito");
    const first = await passwordSignIn(endpoint, target.userPoolClientId, email, password);
    const renewed = await passwordRefresh(endpoint, target.userPoolClientId, first.refreshToken ?? "");
    expect(renewed.refreshToken).toEqual(expect.any(String));
    expect(renewed.idToken).not.toBe("");
    expect(renewed.expiresAt).toBeGreaterThan(Date.now() + 60_000);
    const res = await fetch(web("/api/profiles/me"), { headers: { authorization: `Bearer ${renewed.idToken}` } });
    expect(res.status).toBe(200);
  });

  it("signs out: the tokens are gone and a protected screen shows the sign-in form", async () => {
    await page.getByRole("button", { name: "Sign out" }).click();
    await heading("Sign in");
    await page.getByRole("status").getByText("You are signed out.").waitFor();
    await snap("09-signed-out");
    await page.goto(web("/profile"));
    await heading("Sign in");
    expect(await page.evaluate(() => JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage }))).toBe("{}{}");
  });

  it("deletes an account and follows the workflow to SUCCEEDED, with the keyboard only (focus order: heading → e-mail → password → submit; Space, Tab, Enter)", async () => {
    const focused = (): Promise<string> => page.evaluate(() => `${document.activeElement?.tagName.toLowerCase()}#${document.activeElement?.id ?? ""}`);
    // The sign-in screen's heading has focus (checked by heading()); the form follows it in tab order.
    await page.keyboard.press("Tab");
    expect(await focused()).toBe("input#email");
    await page.keyboard.type(email);
    await page.keyboard.press("Tab");
    expect(await focused()).toBe("input#password");
    await page.keyboard.type(password);
    await page.keyboard.press("Enter");
    await heading("My profile");
    await page.getByRole("link", { name: "Delete my account" }).focus();
    await page.keyboard.press("Enter");
    await heading("Delete my account");
    const confirm = page.getByLabel("I understand that my account and all my data will be deleted");
    await confirm.focus();
    await page.keyboard.press("Space");
    expect(await confirm.isChecked()).toBe(true);
    await page.keyboard.press("Tab");
    expect(await page.evaluate(() => document.activeElement?.textContent?.trim())).toBe("Delete my account");
    await page.keyboard.press("Enter");
    await page.getByTestId("deletion-status").getByText("SUCCEEDED").waitFor({ timeout: 120_000 });
    await expectAccessible("account-deleted");
    await snap("10-account-deleted");
  });

  it("logged no CSP violation or script error in the browser console", () => {
    expect(consoleProblems.filter((m) => !/Failed to load resource: the server responded with a status of (404|412)/.test(m))).toEqual([]);
  });
});
