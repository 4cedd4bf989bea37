/**
 * The HTTP API as the app calls it: `<apiBaseUrl><path>` on the app's own origin (CloudFront, or the local server,
 * strips `/api`), the ID token as `Authorization: Bearer`, JSON in and out. Every failure becomes an ApiError with a
 * message a person can read: the API's own `{ "error": { "code", "message" } }`, API Gateway's `{ "message" }`, or
 * the status when the body says nothing.
 */

export class ApiError extends Error {
  constructor(
    /** HTTP status; 0 when no answer came (network). */
    public readonly status: number,
    public readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = "ApiError";
  }
}

const STATUS_CODES: Record<number, string> = {
  400: "BadRequest",
  401: "Unauthorized",
  403: "Forbidden",
  404: "NotFound",
  409: "Conflict",
  412: "PreconditionFailed",
  413: "PayloadTooLarge",
  429: "TooManyRequests",
  500: "InternalError",
  502: "BadGateway",
  503: "ServiceUnavailable",
  504: "GatewayTimeout",
};

/** The ApiError of a failed response's status and body text. */
export function errorFromResponse(status: number, bodyText: string): ApiError {
  const fallbackCode = STATUS_CODES[status] ?? `Http${status}`;
  let body: unknown;
  try {
    body = bodyText === "" ? undefined : JSON.parse(bodyText);
  } catch {
    body = undefined;
  }
  if (body !== null && typeof body === "object") {
    const error = (body as { error?: unknown }).error;
    if (error !== null && typeof error === "object") {
      const { code, message } = error as { code?: unknown; message?: unknown };
      if (typeof message === "string" && message !== "") return new ApiError(status, typeof code === "string" ? code : fallbackCode, message);
    }
    const message = (body as { message?: unknown }).message;
    if (typeof message === "string" && message !== "") return new ApiError(status, fallbackCode, `${message} (HTTP ${status})`);
  }
  const text = bodyText.trim();
  const short = text !== "" && text.length <= 200 && !text.startsWith("<") ? `: ${text}` : "";
  return new ApiError(status, fallbackCode, `The request failed with HTTP ${status}${short}.`);
}

export interface ApiResponse<T> {
  readonly status: number;
  readonly body: T;
  readonly etag: string | undefined;
}

export interface RequestOptions {
  readonly body?: unknown;
  readonly headers?: Record<string, string>;
}

export interface ApiClientOptions {
  readonly baseUrl: string;
  /** The ID token (refreshed first if it expired), or undefined when signed out (the request is then not sent). */
  readonly token: () => string | undefined | Promise<string | undefined>;
  /** Called on a 401 (the session is over). */
  readonly onUnauthorized?: (error: ApiError) => void;
  readonly fetcher?: typeof fetch;
}

export class ApiClient {
  constructor(private readonly options: ApiClientOptions) {}

  async request<T>(method: string, path: string, options: RequestOptions = {}): Promise<ApiResponse<T>> {
    const token = await this.options.token();
    if (token === undefined) {
      const err = new ApiError(401, "Unauthorized", "You are signed out. Sign in again.");
      this.options.onUnauthorized?.(err);
      throw err;
    }
    const headers: Record<string, string> = { accept: "application/json", authorization: `Bearer ${token}`, ...options.headers };
    if (options.body !== undefined) headers["content-type"] = "application/json";
    const fetcher = this.options.fetcher ?? fetch;
    let res: Response;
    try {
      res = await fetcher(`${this.options.baseUrl}${path}`, {
        method,
        headers,
        body: options.body === undefined ? undefined : JSON.stringify(options.body),
        cache: "no-store",
      });
    } catch (err) {
      throw new ApiError(0, "NetworkError", `The API could not be reached (${err instanceof Error ? err.message : String(err)}). Check the connection and try again.`);
    }
    const text = await res.text();
    if (!res.ok) {
      const error = errorFromResponse(res.status, text);
      if (res.status === 401) this.options.onUnauthorized?.(error);
      throw error;
    }
    let body: unknown = undefined;
    if (text !== "") {
      try {
        body = JSON.parse(text);
      } catch {
        throw new ApiError(res.status, "InvalidResponse", `The API answered ${method} ${path} with something that is not JSON.`);
      }
    }
    return { status: res.status, body: body as T, etag: res.headers.get("etag") ?? undefined };
  }

  get<T>(path: string, options?: RequestOptions): Promise<ApiResponse<T>> {
    return this.request<T>("GET", path, options);
  }
  put<T>(path: string, body: unknown, headers?: Record<string, string>): Promise<ApiResponse<T>> {
    return this.request<T>("PUT", path, { body, headers });
  }
  post<T>(path: string, body: unknown): Promise<ApiResponse<T>> {
    return this.request<T>("POST", path, { body });
  }
  delete<T>(path: string, headers?: Record<string, string>): Promise<ApiResponse<T>> {
    return this.request<T>("DELETE", path, { headers });
  }
}
