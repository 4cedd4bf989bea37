/**
 * Shared arbitraries and assertions of the bad-input property tests (test/fuzz): hostile strings and bodies, and the
 * checks every HTTP response and every batch response must pass whatever the input.
 */
import fc from "fast-check";

/** Runs per property: bounded, so the whole folder stays well under a minute on two cores. */
export const NUM_RUNS = Number(process.env.FUZZ_RUNS ?? 60);
/**
 * fast-check parameters. The test suite (and CI) runs a fixed seed, so a run is reproducible and a failure is never
 * luck; `FUZZ_SEED=random npx jest test/fuzz` explores new cases (fast-check prints the seed of a failure, which
 * `FUZZ_SEED=<seed>` replays), and `FUZZ_RUNS` sets the cases per property.
 */
export const DEFAULT_FUZZ_SEED = 20261130;
export const fcParams = (numRuns = NUM_RUNS): fc.Parameters<unknown> => ({
  numRuns,
  ...(process.env.FUZZ_SEED === "random" ? {} : { seed: process.env.FUZZ_SEED !== undefined ? Number(process.env.FUZZ_SEED) : DEFAULT_FUZZ_SEED }),
});

/** Largest body the properties send (API Gateway's payload limit is 10 MB; Lambda's 6 MB; 300 KB is enough to spot echoes). */
export const HUGE = 300 * 1024;

/** Any UTF-16 code unit, lone surrogates included. */
const anyCodeUnit = fc.nat(0xffff).map((c) => String.fromCharCode(c));

/** Strings that hurt: empty, blank, control characters, lone surrogates, RTL overrides, emoji, huge. */
export const hostileString = (maxLength = 64): fc.Arbitrary<string> =>
  fc.oneof(
    { weight: 3, arbitrary: fc.string({ maxLength }) },
    { weight: 2, arbitrary: fc.string({ unit: "grapheme", maxLength }) },
    { weight: 2, arbitrary: fc.string({ unit: anyCodeUnit, maxLength }) },
    {
      weight: 2,
      arbitrary: fc.constantFrom(
        "",
        " ",
        "\t\n",
        "\u0000",
        "a\u0000b",
        "\uD800",
        "\uDFFF\uD800",
        "\u202Eevil\u202C",
        "مرحبا بالعالم",
        "👩‍👩‍👧‍👦🏳️‍🌈",
        "𝔘𝔫𝔦𝔠𝔬𝔡𝔢",
        "\uFEFF",
        "null",
        "undefined",
        "[object Object]",
        "__proto__",
        "constructor",
        "../../etc/passwd",
        "%00%2F%ZZ",
        "' OR 1=1 --",
        "<script>alert(1)</script>",
      ),
    },
    { weight: 1, arbitrary: fc.integer({ min: 1, max: 4 }).map((k) => "x".repeat(k * 1000)) },
  );

/** A JSON value of any type, as the wrong type for a field. */
export const anyJsonValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(null, true, false, 0, -1, 1.5, 1e308, -0, [], {}, "", "1", " "),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  hostileString(),
  fc.array(fc.jsonValue(), { maxLength: 3 }),
  fc.dictionary(hostileString(8), fc.jsonValue(), { maxKeys: 3 }),
);

/** JSON.stringify that survives BigInt, cycles and the like (fc.anything). */
export function looseStringify(value: unknown): string {
  try {
    return JSON.stringify(value, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v)) ?? String(value);
  } catch {
    return String(value);
  }
}

export interface RawBody {
  readonly body?: string;
  readonly isBase64Encoded: boolean;
}

/**
 * Request bodies of every kind: none, empty, arbitrary JSON, arbitrary values stringified, unicode, huge strings and
 * huge JSON, deeply nested arrays/objects, invalid UTF-8 (base64 with isBase64Encoded), text that is not base64.
 * `shaped` adds bodies close to the route's schema (a valid object with one field of the wrong type).
 */
export function anyBody(shaped: fc.Arbitrary<unknown>[] = []): fc.Arbitrary<RawBody> {
  const text = (a: fc.Arbitrary<string>): fc.Arbitrary<RawBody> => a.map((body) => ({ body, isBase64Encoded: false }));
  return fc.oneof(
    fc.constant<RawBody>({ isBase64Encoded: false }),
    text(fc.constantFrom("", " ", "\n\t ", "{", "}", "[]", "{}", "null", "0", '""', "true", '{"a":', "\uFEFF{}", '{"__proto__":{"x":1}}')),
    text(fc.json({ maxDepth: 4 })),
    text(fc.anything({ maxDepth: 3, withBigInt: true, withDate: true, withMap: true, withSet: true, withTypedArray: true }).map(looseStringify)),
    text(hostileString(200)),
    text(fc.integer({ min: 1, max: HUGE }).map((n) => "a".repeat(n))),
    text(fc.integer({ min: 1, max: HUGE - 20 }).map((n) => JSON.stringify({ ["k".repeat(8)]: "v".repeat(n) }))),
    text(fc.integer({ min: 1, max: HUGE / 2 }).map((n) => `{"${"k".repeat(n)}":1}`)),
    text(fc.integer({ min: 100, max: 20_000 }).map((d) => "[".repeat(d) + "]".repeat(d))),
    text(fc.integer({ min: 100, max: 5_000 }).map((d) => '{"a":'.repeat(d) + "1" + "}".repeat(d))),
    fc.uint8Array({ maxLength: 300 }).map((bytes) => ({ body: Buffer.from(bytes).toString("base64"), isBase64Encoded: true })),
    fc.constantFrom<RawBody>(
      { body: Buffer.from([0xff, 0xfe, 0x7b, 0x7d]).toString("base64"), isBase64Encoded: true },
      { body: Buffer.from([0xc3, 0x28, 0xa0, 0xa1]).toString("base64"), isBase64Encoded: true },
      { body: "not base64 at all! {}", isBase64Encoded: true },
      { body: "", isBase64Encoded: true },
    ),
    ...shaped.map((a) => text(a.map(looseStringify))),
    ...shaped.map((a) => a.map((v) => ({ body: Buffer.from(looseStringify(v), "utf8").toString("base64"), isBase64Encoded: true }))),
  );
}

/** Arbitrary header values for the headers a route reads (content-type, If-Match, ...). */
export const anyHeaderValue: fc.Arbitrary<string> = fc.oneof(
  hostileString(100),
  fc.constantFrom(
    "*",
    '"1"',
    'W/"1"',
    "1",
    '"0"',
    '"999999999999999999999"',
    '"1", "2"',
    "application/json",
    "text/plain",
    "multipart/form-data; boundary=x",
    "application/json; charset=latin1",
  ),
);

/** Query string values: anything a client could type, plus near-misses of the valid forms. */
export const anyQueryValue: fc.Arbitrary<string> = fc.oneof(
  hostileString(100),
  fc.integer().map(String),
  fc.double().map(String),
  fc.constantFrom(
    "0",
    "1",
    "-1",
    "01",
    "1e2",
    "0x10",
    "  5",
    "5 ",
    "Infinity",
    "NaN",
    "2024-02-30",
    "2024-13-01",
    "0000-01-01",
    "9999-12-31",
    "2024-01-01T00:00:00Z",
    "+02024-01-01",
  ),
);

export interface HttpLike {
  readonly statusCode: number;
  readonly body?: string;
  readonly headers?: Record<string, string | number | boolean>;
}

/** Documented 4xx codes of a route: status → error codes. */
export type Documented = Readonly<Record<number, readonly string[]>>;

/** Nothing that says "internals" may reach a caller: stack frames, source paths, exception names. */
const INTERNAL_DETAIL = [
  /\n\s+at\s/,
  /\bat\s+\S+\s+\(/,
  /\/(?:work|var\/task|opt|home|tmp)\//,
  /node_modules/,
  /\.(?:ts|js):\d+/,
  /\b(?:TypeError|RangeError|ReferenceError|SyntaxError|ValidationException|ResourceNotFoundException|ConditionalCheckFailedException|InternalError|DatabaseErrorException|BadRequestException)\b:?/,
  /\bstack\b/i,
];
/** Longest error body accepted: a caller's input may be quoted in part, never echoed whole. */
export const MAX_ERROR_BODY = 8 * 1024;

/** The response is 2xx, or a documented 4xx with a well-formed error body; never a 5xx, never an internal detail. */
export function expectDocumented(response: HttpLike, documented: Documented, success: readonly number[]): void {
  const { statusCode } = response;
  const body = response.body ?? "";
  const describe = `status ${statusCode}, body ${body.slice(0, 600)}`;
  if (success.includes(statusCode)) return;
  if (!(statusCode in documented)) throw new Error(`undocumented status: ${describe}`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    throw new Error(`error body is not JSON: ${describe}`);
  }
  const error = (parsed as { error?: { code?: unknown; message?: unknown } }).error;
  if (
    typeof parsed !== "object" ||
    parsed === null ||
    Object.keys(parsed).join() !== "error" ||
    typeof error !== "object" ||
    error === null ||
    Object.keys(error).sort().join() !== "code,message" ||
    typeof error.code !== "string" ||
    typeof error.message !== "string"
  ) {
    throw new Error(`error body is not { error: { code, message } }: ${describe}`);
  }
  if (!documented[statusCode].includes(error.code)) throw new Error(`undocumented error code ${error.code} for ${statusCode}: ${describe}`);
  for (const pattern of INTERNAL_DETAIL) {
    if (pattern.test(error.message)) throw new Error(`error message shows an internal detail (${pattern}): ${describe}`);
  }
  if (body.length > MAX_ERROR_BODY) throw new Error(`error body of ${body.length} characters echoes the input: ${describe}`);
}
