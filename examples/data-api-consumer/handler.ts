// Reads through the RDS Data API. The first call after an auto-pause fails with DatabaseResumingException for up to
// ~15 s: retry with backoff.
import { ExecuteStatementCommand, RDSDataClient } from "@aws-sdk/client-rds-data";

const client = new RDSDataClient({});
const target = {
  resourceArn: process.env.REPORTS_CLUSTER_ARN,
  secretArn: process.env.REPORTS_SECRET_ARN,
  database: process.env.REPORTS_DATABASE,
};

export async function handler(): Promise<{ statusCode: number; body: string }> {
  for (let attempt = 0; ; attempt++) {
    try {
      const out = await client.send(new ExecuteStatementCommand({ ...target, sql: "select now() as now", formatRecordsAs: "JSON" }));
      return { statusCode: 200, body: out.formattedRecords ?? "[]" };
    } catch (err) {
      if ((err as Error).name !== "DatabaseResumingException" || attempt >= 5) throw err;
      await new Promise((r) => setTimeout(r, 1000 * 2 ** attempt));
    }
  }
}
