/**
 * The JSON shapes of the Data API's REST protocol (awsRestJson1), as @aws-sdk/client-rds-data sends and reads them.
 * Blobs travel as base64 strings; every member is optional on the wire (the server validates required ones).
 */

export interface WireArrayValue {
  booleanValues?: (boolean | null)[];
  longValues?: (number | null)[];
  doubleValues?: (number | null)[];
  stringValues?: (string | null)[];
  arrayValues?: WireArrayValue[];
}

/** Field: a union; exactly one member is set. */
export interface WireField {
  isNull?: boolean;
  booleanValue?: boolean;
  longValue?: number;
  doubleValue?: number;
  stringValue?: string;
  /** base64 */
  blobValue?: string;
  arrayValue?: WireArrayValue;
}

export interface WireSqlParameter {
  name?: string;
  value?: WireField;
  typeHint?: string;
}

export interface WireResultSetOptions {
  decimalReturnType?: "STRING" | "DOUBLE_OR_LONG";
  longReturnType?: "LONG" | "STRING";
}

export interface ExecuteStatementRequest {
  resourceArn?: string;
  secretArn?: string;
  sql?: string;
  database?: string;
  schema?: string;
  parameters?: WireSqlParameter[];
  transactionId?: string;
  includeResultMetadata?: boolean;
  continueAfterTimeout?: boolean;
  resultSetOptions?: WireResultSetOptions;
  formatRecordsAs?: "NONE" | "JSON";
}

export interface WireColumnMetadata {
  name: string;
  type: number;
  typeName: string;
  label: string;
  schemaName: string;
  tableName: string;
  isAutoIncrement: boolean;
  isSigned: boolean;
  isCurrency: boolean;
  isCaseSensitive: boolean;
  nullable: number;
  precision: number;
  scale: number;
  arrayBaseColumnType: number;
}

export interface ExecuteStatementResponse {
  records?: WireField[][];
  columnMetadata?: WireColumnMetadata[];
  numberOfRecordsUpdated: number;
  generatedFields: WireField[];
  formattedRecords?: string;
}

export interface BatchExecuteStatementRequest {
  resourceArn?: string;
  secretArn?: string;
  sql?: string;
  database?: string;
  schema?: string;
  parameterSets?: WireSqlParameter[][];
  transactionId?: string;
}

export interface BatchExecuteStatementResponse {
  updateResults: { generatedFields: WireField[] }[];
}

export interface BeginTransactionRequest {
  resourceArn?: string;
  secretArn?: string;
  database?: string;
  schema?: string;
}

export interface EndTransactionRequest {
  resourceArn?: string;
  secretArn?: string;
  transactionId?: string;
}
