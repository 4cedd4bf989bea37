/**
 * The Data API calls a function needs to run SQL (single statements, batches, transactions), granted on the cluster ARN
 * only; AWS documents them as the minimum for Data API access to one cluster. `rds-data:ExecuteSql` (Serverless v1
 * only, deprecated) is left out.
 */
export const DATA_API_ACTIONS = [
  "rds-data:BatchExecuteStatement",
  "rds-data:BeginTransaction",
  "rds-data:CommitTransaction",
  "rds-data:ExecuteStatement",
  "rds-data:RollbackTransaction",
] as const;

/**
 * The Data API reads the database credentials from Secrets Manager with the caller's own credentials, so the caller
 * needs GetSecretValue on that one secret (the cluster's managed master secret). Nothing else on the secret.
 */
export const DATA_API_SECRET_ACTIONS = ["secretsmanager:GetSecretValue"] as const;
