/**
 * What DynamoDB Local does not keep of a table: tags (TagResource answers "Tagging is not currently supported in
 * DynamoDB Local", CreateTable drops its Tags) and server-side encryption (DescribeTable has no SSEDescription, and an
 * UpdateTable that only sets SSESpecification answers "Nothing to update"). Without them a second deploy of the same
 * table fails. The local endpoint keeps both itself, in a JSON file beside the Terraform state, and answers as
 * DynamoDB does: the tagging calls, SSEDescription in table descriptions, SSE-only updates.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { GatewayHandler, GatewayResponse, jsonResponse } from "./gateway";
import { LOCAL_AWS } from "./types";

interface Sse {
  Enabled?: boolean;
  SSEType?: string;
  KMSMasterKeyId?: string;
}

interface TableMetadata {
  tags: Record<string, string>;
  sse?: Sse;
}

const TARGET = "DynamoDB_20120810.";
const JSON_10 = { "content-type": "application/x-amz-json-1.0" };

/** DynamoDB's SSEDescription for a table created or updated with this SSESpecification. */
export function sseDescription(sse: Sse | undefined): Record<string, string> | undefined {
  if (sse?.Enabled !== true) return undefined;
  const key = sse.KMSMasterKeyId;
  const arn = key === undefined ? `arn:aws:kms:${LOCAL_AWS.region}:${LOCAL_AWS.accountId}:alias/aws/dynamodb` : key;
  return { Status: "ENABLED", SSEType: sse.SSEType ?? "KMS", KMSMasterKeyArn: arn };
}

export function dynamoDbMetadata(file: string): GatewayHandler {
  let tables: Record<string, TableMetadata> = existsSync(file) ? (JSON.parse(readFileSync(file, "utf8")) as Record<string, TableMetadata>) : {};
  const save = (): void => {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(`${file}.tmp`, JSON.stringify(tables, null, 2));
    renameSync(`${file}.tmp`, file);
  };
  const byArn = (arn: string): TableMetadata => (tables[arn] ??= { tags: {} });
  const arnOfName = (name: string): string => (name.startsWith("arn:") ? name : `arn:aws:dynamodb:ddblocal:000000000000:table/${name}`);
  /** Adds the kept SSEDescription to a DescribeTable/CreateTable/UpdateTable answer. */
  const withSse = (answer: GatewayResponse, key: "Table" | "TableDescription"): GatewayResponse => {
    if (answer.status >= 300) return answer;
    const parsed = JSON.parse(answer.body.toString("utf8")) as Record<string, Record<string, unknown> | undefined>;
    const table = parsed[key];
    const arn = typeof table?.TableArn === "string" ? table.TableArn : undefined;
    const sse = arn === undefined ? undefined : sseDescription(tables[arn]?.sse);
    if (table === undefined || sse === undefined || table.SSEDescription !== undefined) return answer;
    table.SSEDescription = sse;
    return { ...answer, body: Buffer.from(JSON.stringify(parsed)) };
  };
  return async (req, forward) => {
    if (req.service !== "dynamodb" || req.target === undefined || !req.target.startsWith(TARGET)) return undefined;
    const op = req.target.slice(TARGET.length);
    const body = (req.body.length > 0 ? JSON.parse(req.body.toString("utf8")) : {}) as Record<string, any>;
    switch (op) {
      case "TagResource": {
        const m = byArn(String(body.ResourceArn));
        for (const t of (body.Tags as Array<{ Key: string; Value: string }> | undefined) ?? []) m.tags[t.Key] = t.Value;
        save();
        return jsonResponse(200, {}, JSON_10);
      }
      case "UntagResource": {
        const m = byArn(String(body.ResourceArn));
        for (const k of (body.TagKeys as string[] | undefined) ?? []) delete m.tags[k];
        save();
        return jsonResponse(200, {}, JSON_10);
      }
      case "ListTagsOfResource":
        return jsonResponse(200, { Tags: Object.entries(tables[String(body.ResourceArn)]?.tags ?? {}).map(([Key, Value]) => ({ Key, Value })) }, JSON_10);
      case "CreateTable": {
        const answer = await forward();
        if (answer.status < 300) {
          const arn = (JSON.parse(answer.body.toString("utf8")) as { TableDescription?: { TableArn?: string } }).TableDescription?.TableArn;
          if (arn !== undefined) {
            tables[arn] = { tags: Object.fromEntries(((body.Tags as Array<{ Key: string; Value: string }>) ?? []).map((t) => [t.Key, t.Value])), sse: body.SSESpecification };
            save();
          }
        }
        return withSse(answer, "TableDescription");
      }
      case "DescribeTable":
        return withSse(await forward(), "Table");
      case "UpdateTable": {
        if (body.SSESpecification !== undefined) {
          byArn(arnOfName(String(body.TableName))).sse = body.SSESpecification;
          save();
          const { SSESpecification: _sse, TableName: _name, ...rest } = body;
          if (Object.keys(rest).length === 0) {
            // Only the encryption changed: DynamoDB Local would answer "Nothing to update".
            const described = await forward({ target: `${TARGET}DescribeTable`, body: Buffer.from(JSON.stringify({ TableName: body.TableName })) });
            return withSse(
              described.status < 300 ? { ...described, body: Buffer.from(JSON.stringify({ TableDescription: JSON.parse(described.body.toString("utf8")).Table })) } : described,
              "TableDescription",
            );
          }
          return withSse(await forward({ body: Buffer.from(JSON.stringify({ TableName: body.TableName, ...rest })) }), "TableDescription");
        }
        return withSse(await forward(), "TableDescription");
      }
      case "DeleteTable": {
        const answer = await forward();
        if (answer.status < 300) {
          const arn = (JSON.parse(answer.body.toString("utf8")) as { TableDescription?: { TableArn?: string } }).TableDescription?.TableArn;
          if (arn !== undefined) {
            const { [arn]: _gone, ...rest } = tables;
            tables = rest;
            save();
          }
        }
        return answer;
      }
      default:
        return undefined;
    }
  };
}
