/**
 * A throwaway PostgreSQL server for tests and local development: `initdb` into a temporary directory, `postgres`
 * on a free port (TCP on 127.0.0.1, unix socket in the same directory), no fsync, trust authentication for the
 * `postgres` superuser. PostgreSQL refuses to run as root, so a process started as root runs both binaries as an
 * unprivileged user (`postgres` when it exists, else `nobody`). Stopping it removes the directory.
 *
 * Binaries are looked up in `PG_BINDIR`, then on PATH, then `pg_config --bindir`, then Debian's
 * `/usr/lib/postgresql/<version>/bin` (newest first), where the Debian package `postgresql` installs them.
 */
import { spawnSync } from "node:child_process";
import { accessSync, chmodSync, chownSync, constants, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, delimiter, dirname, join, resolve } from "node:path";
import { Client } from "pg";
import { launchProcess } from "../../lib/process";

export interface PostgresServer {
  /** `postgresql://postgres@127.0.0.1:<port>/postgres` */
  readonly url: string;
  readonly port: number;
  /** Directory holding the data directory (`data/`) and the unix socket. Removed by `stop()`. */
  readonly directory: string;
  readonly pid: number | undefined;
  /** The OS user the server runs as. */
  readonly osUser: string;
  /** Fast shutdown, then removes `directory`. Safe to call twice. */
  stop(): Promise<void>;
}

export interface StartPostgresOptions {
  /** How long to wait for the server to accept connections. @default 30000 */
  readonly readyTimeoutMs?: number;
  /** Attempts on a fresh port when the server exits before it is ready (port taken meanwhile). @default 3 */
  readonly attempts?: number;
  /**
   * Keep the cluster in this folder across restarts (initdb only when it holds none; `stop()` keeps it).
   * @default a temporary folder, removed by `stop()`
   */
  readonly directory?: string;
  /** Extra `-c name=value` server settings. */
  readonly settings?: Readonly<Record<string, string | number>>;
}

export const POSTGRES_INSTALL_HINT =
  "Fix: install the PostgreSQL server (Debian/Ubuntu: `apt-get install -y postgresql`, which puts initdb and postgres in " +
  "/usr/lib/postgresql/<version>/bin), or set PG_BINDIR to the folder holding initdb and postgres, or set DATABASE_URL " +
  "to a running PostgreSQL server.";

export interface BinDir {
  readonly initdb: string;
  readonly postgres: string;
}

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** `<root>/15/bin` → 15 */
function versionKey(dir: string): number {
  return Number.parseFloat(basename(dirname(dir))) || 0;
}

const DISTRIBUTION_ROOTS = ["/usr/lib/postgresql", "/usr/local/pgsql"];

/** Folders that may hold initdb and postgres, in the order they are tried. */
export function candidateBinDirs(env: NodeJS.ProcessEnv = process.env, roots: readonly string[] = DISTRIBUTION_ROOTS): string[] {
  const dirs: string[] = [];
  if (env.PG_BINDIR !== undefined && env.PG_BINDIR !== "") dirs.push(env.PG_BINDIR);
  for (const dir of (env.PATH ?? "").split(delimiter)) if (dir !== "") dirs.push(dir);
  const pgConfig = spawnSync("pg_config", ["--bindir"], { env, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"], timeout: 10_000 });
  if (pgConfig.status === 0 && pgConfig.stdout.trim() !== "") dirs.push(pgConfig.stdout.trim());
  for (const root of roots) {
    if (!existsSync(root)) continue;
    // /usr/local/pgsql/bin (source builds) and /usr/lib/postgresql/<version>/bin (Debian, newest version first)
    dirs.push(join(root, "bin"));
    const versions = readdirSync(root)
      .filter((entry) => /^\d+(\.\d+)?$/.test(entry))
      .map((version) => join(root, version, "bin"))
      .sort((a, b) => versionKey(b) - versionKey(a));
    dirs.push(...versions);
  }
  return dirs;
}

/** The first folder holding both `initdb` and `postgres`; throws the install hint when there is none. */
export function findPostgresBinaries(env: NodeJS.ProcessEnv = process.env, roots: readonly string[] = DISTRIBUTION_ROOTS): BinDir {
  const tried = candidateBinDirs(env, roots);
  for (const dir of tried) {
    const initdb = join(dir, "initdb");
    const postgres = join(dir, "postgres");
    if (executable(initdb) && executable(postgres)) return { initdb, postgres };
  }
  throw new Error(
    `PostgreSQL server binaries (initdb and postgres) were not found (looked in PG_BINDIR, PATH, pg_config --bindir, /usr/lib/postgresql/*/bin). ${POSTGRES_INSTALL_HINT}`,
  );
}

interface OsUser {
  readonly name: string;
  readonly uid: number;
  readonly gid: number;
}

/** When this process is root: the user PostgreSQL runs as (`postgres`, else `nobody`). Undefined otherwise. */
export function unprivilegedUser(): OsUser | undefined {
  if (typeof process.getuid !== "function" || process.getuid() !== 0) return undefined;
  let passwd = "";
  try {
    passwd = readFileSync("/etc/passwd", "utf8");
  } catch {
    // fall through to the error below
  }
  const users = new Map<string, OsUser>();
  for (const line of passwd.split("\n")) {
    const [name, , uid, gid] = line.split(":");
    if (name !== undefined && uid !== undefined && gid !== undefined) users.set(name, { name, uid: Number(uid), gid: Number(gid) });
  }
  const user = users.get("postgres") ?? users.get("nobody");
  if (user === undefined || user.uid === 0) {
    throw new Error(
      "PostgreSQL refuses to run as root, and neither a `postgres` nor a `nobody` user exists to run it as. " +
        "Fix: create one (`useradd --system postgres`), run the tests as a non-root user, or set DATABASE_URL.",
    );
  }
  return user;
}

/** True when every ancestor of `path` can be traversed by other users (so the unprivileged user reaches it). */
function traversableByOthers(path: string): boolean {
  let current = resolve(path);
  for (;;) {
    try {
      if ((statSync(current).mode & 0o001) === 0) return false;
    } catch {
      return false;
    }
    const parent = dirname(current);
    if (parent === current) return true;
    current = parent;
  }
}

function makeDirectory(user: OsUser | undefined, given?: string): string {
  const base = user !== undefined && !traversableByOthers(tmpdir()) ? "/tmp" : tmpdir();
  const directory = given ?? mkdtempSync(join(base, "platform-pg-"));
  if (given !== undefined) mkdirSync(given, { recursive: true });
  chmodSync(directory, 0o700);
  if (user !== undefined) chownSync(directory, user.uid, user.gid);
  return directory;
}

/** Environment for the server processes: none of the caller's PG* variables (PGDATA, PGPORT...) leak in. */
function serverEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) if (!name.startsWith("PG")) env[name] = value;
  env.LC_ALL = "C";
  env.LANG = "C";
  return env;
}

function runInitdb(bin: BinDir, directory: string, user: OsUser | undefined): void {
  const result = spawnSync(bin.initdb, ["-D", join(directory, "data"), "-U", "postgres", "--auth=trust", "--encoding=UTF8", "--no-locale", "--no-sync", "--no-instructions"], {
    cwd: directory,
    env: serverEnv(),
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
    timeout: 120_000,
    ...(user === undefined ? {} : { uid: user.uid, gid: user.gid }),
  });
  if (result.error !== undefined || result.status !== 0) {
    const output = `${result.stdout ?? ""}${result.stderr ?? ""}`.trim().slice(-2000);
    const reason = result.error !== undefined ? result.error.message : `exit code ${result.status ?? "none"}, signal ${result.signal ?? "none"}`;
    throw new Error(`initdb failed (${reason})${user === undefined ? "" : ` running as ${user.name}`}:\n${output}`);
  }
}

/** One `SELECT 1` on a fresh connection to `url`. */
async function answers(url: string): Promise<void> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.query("SELECT 1");
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Resolves once `url` accepts a connection and answers `SELECT 1`; rejects after `timeoutMs`. */
export async function waitForPostgres(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      await answers(url);
      return;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() > deadline) {
      const reason = lastError instanceof Error ? lastError.message : String(lastError);
      throw new Error(`PostgreSQL at ${url} did not accept connections within ${timeoutMs} ms (last error: ${reason})`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** `postgres` on a free port (retried on a fresh one if it dies before it is ready), through lib/process. */
async function startServer(bin: BinDir, directory: string, user: OsUser | undefined, options: StartPostgresOptions): Promise<PostgresServer> {
  const settings: Record<string, string | number> = {
    fsync: "off",
    synchronous_commit: "off",
    full_page_writes: "off",
    max_connections: 200,
    shared_buffers: "32MB",
    logging_collector: "off",
    log_min_messages: "warning",
    ...options.settings,
  };
  const args = (port: number): string[] => {
    const out = ["-D", join(directory, "data"), "-p", String(port), "-h", "127.0.0.1", "-k", directory];
    for (const [name, value] of Object.entries(settings)) out.push("-c", `${name}=${value}`);
    return out;
  };
  // Safety net when this process exits without calling stop(): the server gets SIGQUIT (launchProcess), the
  // temporary directory is removed here.
  const removeDirectory = (): void => {
    if (options.directory !== undefined) return;
    try {
      rmSync(directory, { recursive: true, force: true });
    } catch {
      // best effort
    }
  };
  process.once("exit", removeDirectory);
  let server;
  try {
    server = await launchProcess({
      name: "postgres",
      command: bin.postgres,
      args,
      cwd: directory,
      env: serverEnv(),
      user,
      endpoint: (port) => `postgresql://postgres@127.0.0.1:${port}/postgres`,
      probe: answers,
      readyTimeoutMs: options.readyTimeoutMs ?? 30_000,
      missingHint: POSTGRES_INSTALL_HINT,
      stopSignal: "SIGINT", // fast shutdown: roll back open transactions, close connections
      stopGraceMs: 10_000,
      exitSignal: "SIGQUIT", // immediate shutdown
      attempts: options.attempts ?? 3,
    });
  } catch (err) {
    process.removeListener("exit", removeDirectory);
    throw err;
  }
  const started = server;
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      process.removeListener("exit", removeDirectory);
      await started.stop();
      if (options.directory === undefined) rmSync(directory, { recursive: true, force: true });
    })();
    return stopping;
  };
  return { url: started.endpoint, port: started.port, directory, pid: started.pid, osUser: user?.name ?? "(current user)", stop };
}

/**
 * Starts a fresh PostgreSQL server (initdb + postgres) and resolves once it accepts connections.
 * Throws with the install hint when the server binaries are missing.
 */
export async function startPostgres(options: StartPostgresOptions = {}): Promise<PostgresServer> {
  const bin = findPostgresBinaries();
  const user = unprivilegedUser();
  const keep = options.directory !== undefined;
  const directory = makeDirectory(user, options.directory);
  try {
    if (!existsSync(join(directory, "data", "PG_VERSION"))) runInitdb(bin, directory, user);
    // A postmaster that died leaves postmaster.pid behind only if it got that far; a retry's start replaces it.
    return await startServer(bin, directory, user, options);
  } catch (err) {
    if (!keep) rmSync(directory, { recursive: true, force: true });
    throw err;
  }
}
