/**
 * A small evaluator for the subset of AWS IoT SQL (version 2016-03-23) that the device-activity rule uses, so the
 * rule's output can be tested on sample messages: no emulator runs IoT SQL (moto deploys rules but never routes a
 * message through them).
 *
 * Supported, as AWS IoT documents it:
 * - `SELECT <expr> [AS <alias>], ... FROM '<topic filter>'` (keywords case-insensitive; no WHERE, no `*`);
 * - expressions: payload field references (`a`, `a.b`), string literals ('...' or "..."), integer literals, and the
 *   functions `topic()` / `topic(n)` (1-based topic level), `newuuid()`, `timestamp()` (ms since the epoch),
 *   `concat(...)` (strings; Undefined if any argument is), `parse_time(pattern, ms[, zone])` (Joda patterns `yyyy`,
 *   `MM`, `dd`, `HH`, `mm`, `ss`, `SSS`, quoted text, `Z`/`ZZ`; zone UTC only, the default);
 * - topic filters with `+` (one level) and a trailing `#` (any levels below);
 * - Undefined: a reference to a field the payload lacks is Undefined, and a SELECT item that is Undefined is left out of
 *   the output object (as the rules engine does);
 * - a payload that is not JSON: the rule does not run (AWS counts it in the rule's `ParseError` metric).
 * Anything else throws `IotSqlError`, so a rule that drifts outside the subset fails its tests instead of passing
 * untested.
 */
import { randomUUID } from "node:crypto";

export class IotSqlError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "IotSqlError";
  }
}

type Expr =
  | { readonly kind: "field"; readonly path: readonly string[] }
  | { readonly kind: "string"; readonly value: string }
  | { readonly kind: "number"; readonly value: number }
  | { readonly kind: "call"; readonly name: string; readonly args: readonly Expr[] };

export interface SelectItem {
  readonly expr: Expr;
  /** Output key: the alias, or the last part of a field reference. */
  readonly key: string;
}

export interface ParsedRule {
  readonly select: readonly SelectItem[];
  readonly topicFilter: string;
}

/** What the rules engine provides besides the message (injected for deterministic tests). */
export interface IotSqlContext {
  /** `timestamp()`: ms since the epoch. @default Date.now() */
  readonly now?: number;
  /** `newuuid()`. @default crypto.randomUUID */
  readonly newUuid?: () => string;
}

export type RuleOutcome =
  /** The topic does not match the rule's FROM filter: the rule does not run. */
  | { readonly kind: "no-match" }
  /** The payload is not JSON: the rule does not run (AWS/IoT ParseError metric). */
  | { readonly kind: "parse-error"; readonly reason: string }
  /** The message the rule's actions receive. */
  | { readonly kind: "output"; readonly value: Record<string, unknown> };

const FUNCTIONS = new Set(["topic", "newuuid", "timestamp", "concat", "parse_time"]);

// ---------------------------------------------------------------------------------------------------------------
// tokenizer + parser

type Token = { t: "ident"; v: string } | { t: "string"; v: string; quote: "'" | '"' } | { t: "number"; v: number } | { t: "punct"; v: "(" | ")" | "," | "." };

function tokenize(sql: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < sql.length) {
    const c = sql[i];
    if (/\s/.test(c)) {
      i++;
    } else if (c === "'" || c === '"') {
      let j = i + 1;
      let value = "";
      for (;;) {
        if (j >= sql.length) throw new IotSqlError(`unterminated string literal at position ${i}`);
        if (sql[j] === c) {
          if (sql[j + 1] === c) {
            value += c;
            j += 2;
            continue;
          }
          break;
        }
        value += sql[j++];
      }
      out.push({ t: "string", v: value, quote: c });
      i = j + 1;
    } else if (/[0-9]/.test(c)) {
      let j = i;
      while (j < sql.length && /[0-9]/.test(sql[j])) j++;
      out.push({ t: "number", v: Number(sql.slice(i, j)) });
      i = j;
    } else if (/[A-Za-z_]/.test(c)) {
      let j = i;
      while (j < sql.length && /[A-Za-z0-9_]/.test(sql[j])) j++;
      out.push({ t: "ident", v: sql.slice(i, j) });
      i = j;
    } else if (c === "(" || c === ")" || c === "," || c === ".") {
      out.push({ t: "punct", v: c });
      i++;
    } else {
      throw new IotSqlError(`"${c}" at position ${i} is outside the supported IoT SQL subset`);
    }
  }
  return out;
}

const isKeyword = (tok: Token | undefined, word: string): boolean => tok?.t === "ident" && tok.v.toUpperCase() === word;

/** Parses a rule's SQL (the supported subset); throws IotSqlError naming what is not supported. */
export function parseRuleSql(sql: string): ParsedRule {
  const tokens = tokenize(sql);
  let pos = 0;
  const peek = (): Token | undefined => tokens[pos];
  const next = (): Token => {
    const tok = tokens[pos++];
    if (tok === undefined) throw new IotSqlError("unexpected end of the statement");
    return tok;
  };

  const expr = (): Expr => {
    const tok = next();
    if (tok.t === "string") return { kind: "string", value: tok.v };
    if (tok.t === "number") return { kind: "number", value: tok.v };
    if (tok.t !== "ident") throw new IotSqlError(`expected an expression, found ${JSON.stringify(tok.v)}`);
    const after = peek();
    if (after?.t === "punct" && after.v === "(") {
      if (!FUNCTIONS.has(tok.v)) throw new IotSqlError(`function ${tok.v}() is outside the supported IoT SQL subset`);
      pos++;
      const args: Expr[] = [];
      if (!(peek()?.t === "punct" && peek()?.v === ")")) {
        for (;;) {
          args.push(expr());
          const sep = next();
          if (sep.t === "punct" && sep.v === ")") break;
          if (!(sep.t === "punct" && sep.v === ",")) throw new IotSqlError(`expected "," or ")" in ${tok.v}(), found ${JSON.stringify(sep.v)}`);
        }
      } else pos++;
      return { kind: "call", name: tok.v, args };
    }
    const path = [tok.v];
    while (peek()?.t === "punct" && peek()?.v === ".") {
      pos++;
      const part = next();
      if (part.t !== "ident") throw new IotSqlError(`expected a field name after ".", found ${JSON.stringify(part.v)}`);
      path.push(part.v);
    }
    return { kind: "field", path };
  };

  if (!isKeyword(next(), "SELECT")) throw new IotSqlError("the statement must start with SELECT");
  const select: SelectItem[] = [];
  for (;;) {
    const e = expr();
    let key: string;
    if (isKeyword(peek(), "AS")) {
      pos++;
      const alias = next();
      if (alias.t !== "ident") throw new IotSqlError(`expected an alias after AS, found ${JSON.stringify(alias.v)}`);
      key = alias.v;
    } else if (e.kind === "field") {
      key = e.path[e.path.length - 1];
    } else {
      throw new IotSqlError(`a ${e.kind === "call" ? `${e.name}()` : "literal"} in the SELECT list needs an alias (AS <name>)`);
    }
    if (select.some((s) => s.key === key)) throw new IotSqlError(`the SELECT list names "${key}" twice`);
    select.push({ expr: e, key });
    const sep = peek();
    if (sep?.t === "punct" && sep.v === ",") {
      pos++;
      continue;
    }
    break;
  }
  if (!isKeyword(next(), "FROM")) throw new IotSqlError("expected FROM after the SELECT list");
  const from = next();
  if (from.t !== "string" || from.quote !== "'") throw new IotSqlError("FROM takes a topic filter in single quotes");
  validateTopicFilter(from.v);
  if (pos < tokens.length) throw new IotSqlError(`"${String(tokens[pos].v)}" after the FROM clause is outside the supported IoT SQL subset (no WHERE)`);
  return { select, topicFilter: from.v };
}

// ---------------------------------------------------------------------------------------------------------------
// topics

function validateTopicFilter(filter: string): void {
  const levels = filter.split("/");
  levels.forEach((level, i) => {
    if ((level.includes("+") && level !== "+") || (level.includes("#") && (level !== "#" || i !== levels.length - 1))) {
      throw new IotSqlError(`topic filter "${filter}": wildcards must fill a whole level ("#" only as the last)`);
    }
  });
}

/** MQTT topic filter matching: `+` is exactly one level, a trailing `#` any number of levels (including none). */
export function topicMatches(filter: string, topic: string): boolean {
  const f = filter.split("/");
  const t = topic.split("/");
  for (let i = 0; i < f.length; i++) {
    if (f[i] === "#") return true;
    if (i >= t.length) return false;
    if (f[i] !== "+" && f[i] !== t[i]) return false;
  }
  return f.length === t.length;
}

// ---------------------------------------------------------------------------------------------------------------
// evaluation

const UNDEFINED = Symbol("Undefined");
type Value = unknown | typeof UNDEFINED;

/** Formats epoch ms with the supported Joda patterns, in UTC. */
export function formatJodaUtc(pattern: string, epochMs: number): string {
  if (!Number.isFinite(epochMs)) throw new IotSqlError(`parse_time: ${epochMs} is not a number of milliseconds`);
  const d = new Date(epochMs);
  const pad = (n: number, width: number) => String(n).padStart(width, "0");
  let out = "";
  let i = 0;
  while (i < pattern.length) {
    const c = pattern[i];
    if (c === "'") {
      // '' is a quote; '...' is literal text, in which '' is a quote too
      if (pattern[i + 1] === "'") {
        out += "'";
        i += 2;
        continue;
      }
      let j = i + 1;
      for (;;) {
        if (j >= pattern.length) throw new IotSqlError(`parse_time: unterminated quote in pattern "${pattern}"`);
        if (pattern[j] === "'") {
          if (pattern[j + 1] === "'") {
            out += "'";
            j += 2;
            continue;
          }
          break;
        }
        out += pattern[j++];
      }
      i = j + 1;
      continue;
    }
    if (!/[A-Za-z]/.test(c)) {
      out += c;
      i++;
      continue;
    }
    let j = i;
    while (j < pattern.length && pattern[j] === c) j++;
    const run = pattern.slice(i, j);
    switch (run) {
      case "yyyy":
        out += pad(d.getUTCFullYear(), 4);
        break;
      case "MM":
        out += pad(d.getUTCMonth() + 1, 2);
        break;
      case "dd":
        out += pad(d.getUTCDate(), 2);
        break;
      case "HH":
        out += pad(d.getUTCHours(), 2);
        break;
      case "mm":
        out += pad(d.getUTCMinutes(), 2);
        break;
      case "ss":
        out += pad(d.getUTCSeconds(), 2);
        break;
      case "SSS":
        out += pad(d.getUTCMilliseconds(), 3);
        break;
      case "Z":
        out += "+0000";
        break;
      case "ZZ":
        out += "+00:00";
        break;
      default:
        throw new IotSqlError(`parse_time: pattern letters "${run}" are outside the supported subset`);
    }
    i = j;
  }
  return out;
}

interface Evaluation {
  readonly topic: string;
  readonly payload: unknown;
  readonly now: number;
  readonly newUuid: () => string;
}

function evaluate(e: Expr, ev: Evaluation): Value {
  switch (e.kind) {
    case "string":
    case "number":
      return e.value;
    case "field": {
      let v: unknown = ev.payload;
      for (const part of e.path) {
        if (typeof v !== "object" || v === null || Array.isArray(v) || !Object.prototype.hasOwnProperty.call(v, part)) return UNDEFINED;
        v = (v as Record<string, unknown>)[part];
      }
      return v;
    }
    case "call": {
      const args = e.args.map((a) => evaluate(a, ev));
      switch (e.name) {
        case "topic": {
          if (args.length === 0) return ev.topic;
          if (args.length !== 1 || typeof args[0] !== "number") throw new IotSqlError("topic() takes no argument or one level number");
          const level = ev.topic.split("/")[args[0] - 1];
          return level === undefined || args[0] < 1 ? UNDEFINED : level;
        }
        case "newuuid":
          if (args.length !== 0) throw new IotSqlError("newuuid() takes no argument");
          return ev.newUuid();
        case "timestamp":
          if (args.length !== 0) throw new IotSqlError("timestamp() takes no argument");
          return ev.now;
        case "concat":
          if (args.length < 2) throw new IotSqlError("concat() takes at least two arguments");
          if (args.some((a) => a === UNDEFINED)) return UNDEFINED;
          if (!args.every((a) => typeof a === "string")) throw new IotSqlError("concat() of anything but strings is outside the supported subset");
          return (args as string[]).join("");
        case "parse_time": {
          if (args.length < 2 || args.length > 3) throw new IotSqlError("parse_time() takes a pattern, a timestamp and an optional zone");
          const [pattern, ms, zone] = args;
          if (typeof pattern !== "string") throw new IotSqlError("parse_time(): the pattern must be a string");
          if (zone !== undefined && zone !== "UTC") throw new IotSqlError("parse_time(): only the UTC zone is supported");
          if (ms === UNDEFINED) return UNDEFINED;
          return formatJodaUtc(pattern, Number(ms));
        }
        default:
          throw new IotSqlError(`function ${e.name}() is outside the supported IoT SQL subset`);
      }
    }
  }
}

/**
 * Runs a rule's SQL on one message as the rules engine would: the topic must match the FROM filter, the payload must
 * be JSON; the output holds every SELECT item that is not Undefined, under its key.
 */
export function evaluateRule(sql: string | ParsedRule, topic: string, payload: string | Uint8Array, context: IotSqlContext = {}): RuleOutcome {
  const rule = typeof sql === "string" ? parseRuleSql(sql) : sql;
  if (!topicMatches(rule.topicFilter, topic)) return { kind: "no-match" };
  const text = typeof payload === "string" ? payload : Buffer.from(payload).toString("utf8");
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    return { kind: "parse-error", reason: err instanceof Error ? err.message : String(err) };
  }
  const ev: Evaluation = { topic, payload: parsed, now: context.now ?? Date.now(), newUuid: context.newUuid ?? randomUUID };
  const value: Record<string, unknown> = {};
  for (const item of rule.select) {
    const v = evaluate(item.expr, ev);
    if (v !== UNDEFINED) value[item.key] = v;
  }
  return { kind: "output", value };
}
