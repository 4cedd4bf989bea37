// GET/PUT /notes/{id}. Kept free of dependencies so the example bundles anywhere; a real handler would use
// @aws-sdk/lib-dynamodb with the table named by NOTES_TABLE_NAME.
interface HttpEvent {
  readonly routeKey: string;
  readonly pathParameters?: Record<string, string | undefined>;
  readonly body?: string;
}

const TABLE = process.env.NOTES_TABLE_NAME;

export async function handler(event: HttpEvent): Promise<{ statusCode: number; body: string }> {
  const id = event.pathParameters?.id;
  if (!id) return { statusCode: 400, body: JSON.stringify({ error: { code: "missing_id", message: "id is required" } }) };
  return { statusCode: 200, body: JSON.stringify({ table: TABLE, id, route: event.routeKey }) };
}
