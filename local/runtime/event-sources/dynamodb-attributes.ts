/** DynamoDB attribute values as Lambda's DynamoDB event carries them: DynamoDB JSON, binary in base64. */
import type { AttributeValue } from "@aws-sdk/client-dynamodb-streams";

/** The JSON form of one attribute value (`{ S: "x" }`, `{ N: "1" }`, `{ B: "<base64>" }`, `{ M: { … } }`, …). */
export type LambdaAttributeValue =
  | { S: string }
  | { N: string }
  | { B: string }
  | { SS: string[] }
  | { NS: string[] }
  | { BS: string[] }
  | { M: Record<string, LambdaAttributeValue> }
  | { L: LambdaAttributeValue[] }
  | { NULL: boolean }
  | { BOOL: boolean };

const base64 = (bytes: Uint8Array): string => Buffer.from(bytes).toString("base64");

/** One attribute value, binary values (B, BS, nested) as base64. */
export function toLambdaAttributeValue(value: AttributeValue): LambdaAttributeValue {
  if (value.S !== undefined) return { S: value.S };
  if (value.N !== undefined) return { N: value.N };
  if (value.B !== undefined) return { B: base64(value.B) };
  if (value.SS !== undefined) return { SS: value.SS };
  if (value.NS !== undefined) return { NS: value.NS };
  if (value.BS !== undefined) return { BS: value.BS.map(base64) };
  if (value.M !== undefined) return { M: toLambdaImage(value.M) };
  if (value.L !== undefined) return { L: value.L.map(toLambdaAttributeValue) };
  if (value.NULL !== undefined) return { NULL: value.NULL };
  if (value.BOOL !== undefined) return { BOOL: value.BOOL };
  throw new Error(`Unknown DynamoDB attribute value ${JSON.stringify(value)}`);
}

/** An item image or key map. */
export function toLambdaImage(image: Record<string, AttributeValue>): Record<string, LambdaAttributeValue> {
  return Object.fromEntries(Object.entries(image).map(([name, value]) => [name, toLambdaAttributeValue(value)]));
}
