import { AuroraServerless } from "../../modules/aurora-serverless";
import { LambdaFunction, LambdaFunctionProps } from "../../modules/lambda-function";
import { Stream } from "../../modules/stream";
import { Topic } from "../../modules/topic";
import { AnalyticsService } from "../../services/analytics";
import { ProfileService } from "../../services/profile";
import { synthStack } from "../support/synth";

// Another team composes the services in a stack of its own, over resources it already has (module importers).
const ENTRY = { entry: `${__dirname}/../fixtures/handler.ts` };
const STREAM_ARN = "arn:aws:kinesis:eu-west-1:123456789012:stream/their-activity";

describe("services another team can instantiate", () => {
  it("AnalyticsService wires its five functions to an imported Data API database and an imported stream", () => {
    const out = synthStack((stack) => {
      const functions = (id: string, props: LambdaFunctionProps): LambdaFunction => new LambdaFunction(stack, id, props);
      const analytics = new AnalyticsService(stack, {
        database: AuroraServerless.fromAttributes(stack, "Db", {
          clusterArn: "arn:aws:rds:eu-west-1:123456789012:cluster:theirs",
          secretArn: "arn:aws:secretsmanager:eu-west-1:123456789012:secret:theirs-AbCdEf",
          databaseName: "analytics",
        }),
        stream: Stream.fromArn(stack, "Activity", STREAM_ARN),
        changes: new Topic(stack, "Changes", { name: "changes" }),
        handlers: { analyticsMigrate: ENTRY, analyticsIngest: ENTRY, activityIngest: ENTRY, activityProcessor: ENTRY, analyticsQuery: ENTRY },
        functions,
      });
      expect(analytics.ingestQueue.visibilityTimeoutSeconds).toBe(6 * analytics.ingest.timeoutSeconds);
    });
    expect(
      Object.values(out.resources("aws_lambda_function"))
        .map((f) => f.function_name)
        .sort(),
    ).toEqual(["activity-ingest", "activity-processor", "analytics-ingest", "analytics-migrate", "analytics-query"].map((n) => `test-dev-${n}`));
    const mappings = Object.values(out.resources("aws_lambda_event_source_mapping"));
    expect(mappings.map((m) => m.event_source_arn)).toContain(STREAM_ARN);
    expect(mappings).toHaveLength(2); // the stream, and the ingest queue subscribed to the topic
    expect(Object.values(out.resources("aws_sns_topic_subscription")).map((s) => s.raw_message_delivery)).toEqual([true]);
  });

  it("ProfileService builds the table, its change topic and the three profile functions (stream → events)", () => {
    const out = synthStack((stack) => {
      new ProfileService(stack, {
        handlers: { profileApi: ENTRY, profileBootstrap: ENTRY, profileEvents: ENTRY },
        functions: (id, props) => new LambdaFunction(stack, id, props),
        guards: { deletionProtection: false, pointInTimeRecovery: false, preventDestroy: false },
      });
    });
    expect(
      Object.values(out.resources("aws_lambda_function"))
        .map((f) => f.function_name)
        .sort(),
    ).toEqual(["test-dev-profile-api", "test-dev-profile-bootstrap", "test-dev-profile-events"]);
    expect(Object.values(out.resources("aws_lambda_event_source_mapping"))).toHaveLength(1); // the table's stream
    expect(out.only("aws_dynamodb_table").name).toBe("test-dev-profiles");
    expect(out.only("aws_sns_topic").name).toBe("test-dev-user-data-change");
  });
});
