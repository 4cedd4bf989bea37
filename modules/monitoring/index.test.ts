import { TerraformOutput, TerraformStack, Testing } from "cdktf";
import { Construct } from "constructs";
import { AwsStack } from "../stack";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { HttpApi } from "../http-api";
import { LambdaFunction } from "../lambda-function";
import { Queue } from "../queue";
import { Table } from "../table";
import { asArray, scope, synthStack } from "../../test/support/synth";
import { countByType, validateAndPlan } from "../../test/support/terraform";
import { Naming } from "../core/naming";
import { Retry, StateMachine, States, Tasks } from "../state-machine";
import { IotIngest } from "../iot-ingest";
import { Stream } from "../stream";
import { Monitoring, MonitoringProps } from "./index";

const ENTRY = `${__dirname}/../../test/fixtures/handler.ts`;
const ACCOUNT = "123456789012";
const PROPS: MonitoringProps = { accountId: ACCOUNT, alarmEmail: "alerts@example.com" };

type Out = ReturnType<typeof synthStack>;

function alarms(out: Out): any[] {
  return Object.values(out.resources("aws_cloudwatch_metric_alarm"));
}

function alarmNamed(out: Out, name: string): any {
  const found = alarms(out).find((a) => a.alarm_name === name);
  if (!found)
    throw new Error(
      `no alarm ${name}; have ${alarms(out)
        .map((a) => a.alarm_name)
        .join(", ")}`,
    );
  return found;
}

function dashboard(out: Out): any {
  return JSON.parse(out.only("aws_cloudwatch_dashboard").dashboard_body);
}

function metricWidgets(out: Out): any[] {
  return dashboard(out).widgets.filter((w: any) => w.type === "metric");
}

/** `${<type>.<logical id>.<attr>}` of the resource whose logical id is `<prefix>_<hash>` (cdktf drops a trailing "Resource"). */
function refTo(out: Out, type: string, prefix: string, attr: string): string {
  const ids = Object.keys(out.resources(type)).filter((k) => new RegExp(`^${prefix}_[0-9A-F]{8}$`).test(k));
  if (ids.length !== 1) throw new Error(`expected one ${type} with logical id ${prefix}_<hash>, found ${ids.join(", ") || "none"}`);
  return `\${${type}.${ids[0]}.${attr}}`;
}

function fn(s: Construct, id: string, name: string): LambdaFunction {
  return new LambdaFunction(s, id, { name, entry: ENTRY });
}

describe("Monitoring", () => {
  describe("alarm topic", () => {
    it("is encrypted with its own customer-managed key, whose policy lets CloudWatch use it for this account", () => {
      const out = synthStack((s) => new Monitoring(s, "Monitoring", PROPS));
      const topic = out.only("aws_sns_topic");
      expect(topic.name).toBe("test-dev-monitoring-alarms");
      expect(topic.kms_master_key_id).toBe(out.ref("aws_kms_key", "arn"));
      const key = out.only("aws_kms_key");
      expect(key.enable_key_rotation).toBe(true);
      const policy = JSON.parse(key.policy);
      const cw = policy.Statement.find((st: any) => st.Principal?.Service === "cloudwatch.amazonaws.com");
      expect(cw).toMatchObject({ Effect: "Allow", Action: ["kms:Decrypt", "kms:GenerateDataKey*"], Condition: { StringEquals: { "aws:SourceAccount": ACCOUNT } } });
      expect(out.only("aws_kms_alias").name).toBe("alias/test-dev-monitoring-alarms");
    });

    it("lets only this account's alarms in the provider's region publish to the topic", () => {
      const out = synthStack((s) => new Monitoring(s, "Monitoring", PROPS));
      const doc = JSON.parse(out.only("aws_sns_topic_policy").policy);
      const cw = doc.Statement.filter((st: any) => JSON.stringify(st.Principal ?? "").includes("cloudwatch.amazonaws.com"));
      expect(cw).toHaveLength(1);
      expect(cw[0].Effect).toBe("Allow");
      expect(asArray(cw[0].Action)).toEqual(["sns:Publish"]);
      expect(asArray(cw[0].Resource)).toEqual([out.ref("aws_sns_topic", "arn")]);
      expect(JSON.stringify(cw[0].Condition)).toContain(`"arn:aws:cloudwatch:eu-west-1:${ACCOUNT}:alarm:*"`);
    });

    it("subscribes the alarm e-mail, and nobody without one", () => {
      const withEmail = synthStack((s) => new Monitoring(s, "Monitoring", PROPS));
      const sub = withEmail.only("aws_sns_topic_subscription");
      expect(sub).toMatchObject({ protocol: "email", endpoint: "alerts@example.com", topic_arn: withEmail.ref("aws_sns_topic", "arn") });
      const without = synthStack((s) => new Monitoring(s, "Monitoring", { accountId: ACCOUNT }));
      expect(without.resources("aws_sns_topic_subscription")).toEqual({});
    });

    it("uses the region prop over the provider's, and names topic, key and dashboard after the name prop", () => {
      let m!: Monitoring;
      const out = synthStack((s) => {
        m = new Monitoring(s, "Monitoring", { ...PROPS, region: "us-east-1", name: "ops" });
      });
      expect(m.region).toBe("us-east-1");
      expect(out.only("aws_sns_topic_policy").policy).toContain(`arn:aws:cloudwatch:us-east-1:${ACCOUNT}:alarm:*`);
      expect(out.only("aws_sns_topic").name).toBe("test-dev-ops-alarms");
      expect(out.only("aws_cloudwatch_dashboard").dashboard_name).toBe("test-dev-ops");
    });

    it("asks for the region prop when the stack's provider has no literal region", () => {
      expect(() => new Monitoring(scope(), "Monitoring", PROPS)).toThrow(/Monitoring "test\/Monitoring": the region is needed .* provider is missing\. Fix: pass region/);
      expect(() => new Monitoring(scope(), "Monitoring", { ...PROPS, region: "eu-central-1" })).not.toThrow();
    });
  });

  describe("monitorFunction", () => {
    it("creates an Errors and a Throttles alarm on the function: Sum > 0 over 5 minutes, 1 datapoint, topic on alarm and OK", () => {
      const out = synthStack((s) => {
        const m = new Monitoring(s, "Monitoring", PROPS);
        m.monitorFunction(fn(s, "ProfileApi", "profile-api"));
      });
      expect(alarms(out)).toHaveLength(2);
      const topicArn = out.ref("aws_sns_topic", "arn");
      const functionName = out.ref("aws_lambda_function", "function_name");
      for (const [name, metric] of [
        ["test-dev-profile-api-errors", "Errors"],
        ["test-dev-profile-api-throttles", "Throttles"],
      ]) {
        expect(alarmNamed(out, name)).toMatchObject({
          namespace: "AWS/Lambda",
          metric_name: metric,
          dimensions: { FunctionName: functionName },
          statistic: "Sum",
          period: 300,
          evaluation_periods: 1,
          datapoints_to_alarm: 1,
          comparison_operator: "GreaterThanThreshold",
          threshold: 0,
          treat_missing_data: "notBreaching",
          alarm_actions: [topicArn],
          ok_actions: [topicArn],
        });
      }
      expect(alarmNamed(out, "test-dev-profile-api-errors").alarm_description).toMatch(/Lambda function test\/ProfileApi failed more than 0 time\(s\)/);
    });

    it("uses the thresholds given and keeps each function's alarms on its own function", () => {
      const out = synthStack((s) => {
        const m = new Monitoring(s, "Monitoring", PROPS);
        m.monitorFunction(fn(s, "A", "a"), { errorsThreshold: 5, throttlesThreshold: 2 });
        m.monitorFunction(fn(s, "B", "b"));
      });
      expect(alarms(out)).toHaveLength(4);
      expect(alarmNamed(out, "test-dev-a-errors").threshold).toBe(5);
      expect(alarmNamed(out, "test-dev-a-throttles").threshold).toBe(2);
      expect(alarmNamed(out, "test-dev-b-errors").threshold).toBe(0);
      expect(alarmNamed(out, "test-dev-a-errors").dimensions.FunctionName).toBe(refTo(out, "aws_lambda_function", "A", "function_name"));
      expect(alarmNamed(out, "test-dev-b-throttles").dimensions.FunctionName).toBe(refTo(out, "aws_lambda_function", "B", "function_name"));
    });

    it("is idempotent: a second call with the same options returns the same alarms and creates none", () => {
      const out = synthStack((s) => {
        const m = new Monitoring(s, "Monitoring", PROPS);
        const f = fn(s, "Api", "api");
        const first = m.monitorFunction(f);
        const second = m.monitorFunction(f, { errorsThreshold: 0 });
        expect(second).toBe(first);
        expect(m.allAlarms).toHaveLength(2);
      });
      expect(alarms(out)).toHaveLength(2);
      expect(metricWidgets(out)).toHaveLength(1);
    });

    it("throws when called again for the same function with different options", () => {
      expect(() =>
        synthStack((s) => {
          const m = new Monitoring(s, "Monitoring", PROPS);
          const f = fn(s, "Api", "api");
          m.monitorFunction(f);
          m.monitorFunction(f, { errorsThreshold: 3 });
        }),
      ).toThrow(
        /Monitoring "test\/Monitoring": monitorFunction\(test\/Api\) was already called with \{"errorsThreshold":0,"throttlesThreshold":0\}; called again with \{"errorsThreshold":3,"throttlesThreshold":0\}\..*Fix: call monitorFunction once/,
      );
    });

    it("gives nested functions path-based names that never collide", () => {
      const out = synthStack((s) => {
        const m = new Monitoring(s, "Monitoring", PROPS);
        const svc = new Construct(s, "Orders");
        m.monitorFunction(fn(svc, "Handler", "orders-handler"));
        m.monitorFunction(fn(s, "OrdersHandler", "orders-handler-2"));
      });
      const names = alarms(out)
        .map((a) => a.alarm_name)
        .sort();
      expect(new Set(names).size).toBe(4);
      expect(names).toContain("test-dev-orders-handler-errors");
      expect(names.filter((n) => /^test-dev-orders-handler-[0-9a-f]{8}-errors$/.test(n))).toHaveLength(1);
    });
  });

  describe("monitorQueue", () => {
    it("alarms on the dead-letter queue of a queue that has one (messages visible, Maximum > 0)", () => {
      let q!: Queue;
      const out = synthStack((s) => {
        const m = new Monitoring(s, "Monitoring", PROPS);
        q = new Queue(s, "Orders", { name: "orders" });
        m.monitorQueue(q);
      });
      expect(q.deadLetterQueue).toBeDefined();
      expect(alarms(out)).toHaveLength(1);
      const [alarm] = alarms(out);
      expect(alarm).toMatchObject({
        namespace: "AWS/SQS",
        metric_name: "ApproximateNumberOfMessagesVisible",
        statistic: "Maximum",
        threshold: 0,
        comparison_operator: "GreaterThanThreshold",
        treat_missing_data: "notBreaching",
        dimensions: { QueueName: refTo(out, "aws_sqs_queue", "Orders_DeadLetterQueue", "name") },
      });
      expect(alarm.alarm_description).toMatch(/Dead-letter queue test\/Orders\/DeadLetterQueue of test\/Orders holds more than 0 message/);
    });

    it("alarms on the queue itself when it has no dead-letter queue (it is a failure destination)", () => {
      const out = synthStack((s) => {
        const m = new Monitoring(s, "Monitoring", PROPS);
        m.monitorQueue(new Queue(s, "Failures", { name: "failures", deadLetterQueue: false }), { messagesThreshold: 10 });
      });
      const alarm = out.only("aws_cloudwatch_metric_alarm");
      expect(alarm.dimensions).toEqual({ QueueName: out.ref("aws_sqs_queue", "name") });
      expect(alarm.threshold).toBe(10);
      expect(alarm.alarm_name).toBe("test-dev-failures-messages-visible");
    });

    it("monitors a dead-letter queue shared by two queues once", () => {
      const out = synthStack((s) => {
        const m = new Monitoring(s, "Monitoring", PROPS);
        const dlq = new Queue(s, "SharedDlq", { name: "shared-dlq", deadLetterQueue: false });
        m.monitorQueue(new Queue(s, "A", { name: "a", deadLetterQueue: dlq }));
        m.monitorQueue(new Queue(s, "B", { name: "b", deadLetterQueue: dlq }));
        m.monitorQueue(dlq);
      });
      expect(out.only("aws_cloudwatch_metric_alarm").dimensions.QueueName).toBe(refTo(out, "aws_sqs_queue", "SharedDlq", "name"));
    });
  });

  describe("monitorHttpApi", () => {
    it("alarms on the API's 5xx (namespace AWS/ApiGateway, dimensions ApiId and Stage) Sum > threshold", () => {
      const out = synthStack((s) => {
        const m = new Monitoring(s, "Monitoring", PROPS);
        m.monitorHttpApi(new HttpApi(s, "Api", { name: "api" }), { serverErrorsThreshold: 3 });
      });
      expect(out.only("aws_cloudwatch_metric_alarm")).toMatchObject({
        alarm_name: "test-dev-api-5xx",
        namespace: "AWS/ApiGateway",
        metric_name: "5xx",
        dimensions: { ApiId: out.ref("aws_apigatewayv2_api", "id"), Stage: "$default" },
        statistic: "Sum",
        threshold: 3,
        comparison_operator: "GreaterThanThreshold",
        alarm_actions: [out.ref("aws_sns_topic", "arn")],
      });
    });
  });

  describe("monitorEventSourceIteratorAge", () => {
    it("alarms when IteratorAge (Maximum) exceeds 60 s by default, in milliseconds", () => {
      const out = synthStack((s) => {
        const m = new Monitoring(s, "Monitoring", PROPS);
        const table = new Table(s, "Profiles", { name: "profiles", partitionKey: { name: "pk", type: "S" }, stream: "NEW_AND_OLD_IMAGES" });
        const events = fn(s, "Events", "events");
        events.addDynamoDbStreamEventSource(table, { onFailure: new Queue(s, "Failures", { name: "failures", deadLetterQueue: false }) });
        m.monitorEventSourceIteratorAge(events);
      });
      expect(out.only("aws_cloudwatch_metric_alarm")).toMatchObject({
        alarm_name: "test-dev-events-iterator-age",
        namespace: "AWS/Lambda",
        metric_name: "IteratorAge",
        dimensions: { FunctionName: out.ref("aws_lambda_function", "function_name") },
        statistic: "Maximum",
        threshold: 60000,
        comparison_operator: "GreaterThanThreshold",
      });
    });

    it("uses thresholdSeconds, and fails validation when the function has no stream event source", () => {
      const app = Testing.app();
      const stack = new TerraformStack(app, "test");
      new AwsProvider(stack, "aws", { region: "eu-west-1" });
      const m = new Monitoring(stack, "Monitoring", PROPS);
      const alarm = m.monitorEventSourceIteratorAge(fn(stack, "NoStream", "no-stream"), { thresholdSeconds: 300 });
      expect(alarm.thresholdInput).toBe(300000);
      expect(() => Testing.synth(stack, true)).toThrow(/monitorEventSourceIteratorAge\(test\/NoStream\) but the function has no Kinesis or DynamoDB stream event source/);
    });
  });

  describe("dashboard", () => {
    it("is named <app>-<env>-monitoring and renders valid JSON with a text widget when nothing is monitored", () => {
      let m!: Monitoring;
      const out = synthStack((s) => {
        m = new Monitoring(s, "Monitoring", PROPS);
        new TerraformOutput(s, "dashboard", { value: m.dashboardName });
      });
      expect(m.dashboardName).toBe("test-dev-monitoring");
      expect(out.only("aws_cloudwatch_dashboard").dashboard_name).toBe("test-dev-monitoring");
      expect(out.json.output.dashboard.value).toBe("test-dev-monitoring");
      expect(dashboard(out).widgets).toEqual([expect.objectContaining({ type: "text" })]);
    });

    it("has a widget for every monitored thing, including those added after construction, and lists every alarm", () => {
      const out = synthStack((s) => {
        // created first, as PlatformStack does: everything below is monitored after the dashboard resource exists
        const m = new Monitoring(s, "Monitoring", PROPS);
        const api = fn(s, "ProfileApi", "profile-api");
        const events = fn(s, "Events", "events");
        const table = new Table(s, "Profiles", { name: "profiles", partitionKey: { name: "pk", type: "S" }, stream: "NEW_AND_OLD_IMAGES" });
        const failures = new Queue(s, "Failures", { name: "failures", deadLetterQueue: false });
        events.addDynamoDbStreamEventSource(table, { onFailure: failures });
        const httpApi = new HttpApi(s, "Api", { name: "api" });
        m.monitorFunction(api);
        m.monitorFunction(events);
        m.monitorQueue(failures);
        m.monitorHttpApi(httpApi);
        m.monitorEventSourceIteratorAge(events);
      });
      const body = dashboard(out);
      const fnName = (id: string) => refTo(out, "aws_lambda_function", id, "function_name");

      const alarmWidget = body.widgets.find((w: any) => w.type === "alarm");
      expect(alarmWidget.properties.alarms).toHaveLength(alarms(out).length);
      expect(alarms(out)).toHaveLength(2 + 2 + 1 + 1 + 1);
      for (const arn of alarmWidget.properties.alarms) expect(arn).toMatch(/^\$\{aws_cloudwatch_metric_alarm\.[^.]+\.arn\}$/);

      const widgets = metricWidgets(out);
      expect(widgets).toHaveLength(2 + 1 + 1 + 1);
      for (const w of widgets) {
        expect(w.properties).toMatchObject({ region: "eu-west-1", period: 300, view: "timeSeries" });
        expect(w.width).toBe(12);
      }
      const metricsOf = (w: any) => w.properties.metrics.map((mm: any[]) => `${mm[0]}/${mm[1]}`);
      for (const id of ["ProfileApi", "Events"]) {
        const w = widgets.find((x) => x.properties.title === `Lambda ${fnName(id)}`);
        expect(metricsOf(w)).toEqual(["AWS/Lambda/Invocations", "AWS/Lambda/Errors", "AWS/Lambda/Throttles", "AWS/Lambda/Duration"]);
        expect(w.properties.metrics[0].slice(2, 4)).toEqual(["FunctionName", fnName(id)]);
        expect(w.properties.metrics[3][4]).toEqual({ stat: "p99", label: "Duration p99 (ms)", yAxis: "right" });
      }
      const queue = widgets.find((x) => metricsOf(x).includes("AWS/SQS/ApproximateNumberOfMessagesVisible"));
      expect(queue.properties.metrics[0].slice(2, 4)).toEqual(["QueueName", out.ref("aws_sqs_queue", "name")]);
      const api = widgets.find((x) => metricsOf(x).includes("AWS/ApiGateway/5xx"));
      expect(metricsOf(api)).toEqual(["AWS/ApiGateway/Count", "AWS/ApiGateway/4xx", "AWS/ApiGateway/5xx", "AWS/ApiGateway/Latency"]);
      expect(api.properties.metrics[0].slice(2, 6)).toEqual(["ApiId", out.ref("aws_apigatewayv2_api", "id"), "Stage", "$default"]);
      const age = widgets.find((x) => metricsOf(x).includes("AWS/Lambda/IteratorAge"));
      expect(age.properties.metrics[0].slice(2, 4)).toEqual(["FunctionName", fnName("Events")]);

      // no two widgets overlap on the 24-column grid
      const cells = new Set<string>();
      for (const w of body.widgets) {
        for (let dx = 0; dx < w.width; dx++) {
          for (let dy = 0; dy < w.height; dy++) {
            const cell = `${w.x + dx},${w.y + dy}`;
            expect(cells.has(cell)).toBe(false);
            cells.add(cell);
          }
        }
      }
    });

    it("shows a queue with a dead-letter queue with both depths", () => {
      const out = synthStack((s) => {
        new Monitoring(s, "Monitoring", PROPS).monitorQueue(new Queue(s, "Orders", { name: "orders" }));
      });
      const [w] = metricWidgets(out);
      expect(w.properties.metrics.map((mm: any[]) => [mm[3], mm[4].label])).toEqual([
        [refTo(out, "aws_sqs_queue", "Orders", "name"), "Queue depth"],
        [refTo(out, "aws_sqs_queue", "Orders_DeadLetterQueue", "name"), "Dead-letter queue depth"],
        [refTo(out, "aws_sqs_queue", "Orders_DeadLetterQueue", "name"), "Oldest message age (s)"],
      ]);
    });
  });

  describe("monitorStateMachine", () => {
    const stateMachine = (s: Construct, id = "DeleteUser") => {
      Naming.configure(TerraformStack.of(s), { app: "test", env: "dev", account: ACCOUNT });
      const f = fn(s, `${id}Fn`, `${id.toLowerCase()}-fn`);
      const task = Tasks.invoke(f);
      return new StateMachine(s, id, {
        name: id.toLowerCase(),
        definition: {
          startAt: "Work",
          states: { Work: States.task(task, { retry: [Retry.transient(task)], catch: [{ errors: ["States.ALL"], next: "Failed" }] }), Failed: States.fail() },
        },
      });
    };

    it("alarms on failed, timed-out and aborted executions (AWS/States, StateMachineArn, Sum > 0) to the alarm topic", () => {
      const out = synthStack((s) => {
        const m = new Monitoring(s, "Monitoring", PROPS);
        const alarmsOf = m.monitorStateMachine(stateMachine(s));
        expect(Object.keys(alarmsOf)).toEqual(["failed", "timedOut", "aborted"]);
      });
      const topicArn = out.ref("aws_sns_topic", "arn");
      const arn = out.ref("aws_sfn_state_machine", "arn");
      expect(alarms(out)).toHaveLength(3);
      for (const [name, metric] of [
        ["test-dev-delete-user-executions-failed", "ExecutionsFailed"],
        ["test-dev-delete-user-executions-timed-out", "ExecutionsTimedOut"],
        ["test-dev-delete-user-executions-aborted", "ExecutionsAborted"],
      ]) {
        expect(alarmNamed(out, name)).toMatchObject({
          namespace: "AWS/States",
          metric_name: metric,
          dimensions: { StateMachineArn: arn },
          statistic: "Sum",
          period: 300,
          comparison_operator: "GreaterThanThreshold",
          threshold: 0,
          treat_missing_data: "notBreaching",
          alarm_actions: [topicArn],
          ok_actions: [topicArn],
        });
      }
      expect(alarmNamed(out, "test-dev-delete-user-executions-failed").alarm_description).toMatch(/State machine test\/DeleteUser had more than 0 failed execution/);
    });

    it("adds an executions widget on the dashboard, is idempotent, honours the threshold and refuses a negative one", () => {
      const out = synthStack((s) => {
        const m = new Monitoring(s, "Monitoring", PROPS);
        const sm = stateMachine(s);
        const first = m.monitorStateMachine(sm, { executionsThreshold: 2 });
        expect(m.monitorStateMachine(sm, { executionsThreshold: 2 })).toBe(first);
        expect(() => m.monitorStateMachine(sm)).toThrow(/monitorStateMachine\(test\/DeleteUser\) was already called/);
        expect(() => m.monitorStateMachine(StateMachine.fromArn(s, "Other", `arn:aws:states:eu-west-1:${ACCOUNT}:stateMachine:other`), { executionsThreshold: -1 })).toThrow(
          /Monitoring\.monitorStateMachine "test\/Monitoring"[\s\S]*executionsThreshold: received -1/,
        );
      });
      expect(alarms(out).map((a) => a.threshold)).toEqual([2, 2, 2]);
      const [w] = metricWidgets(out);
      expect(w.properties.title).toBe("Step Functions delete-user");
      expect(w.properties.metrics.map((mm: any[]) => [mm[0], mm[1], mm[2], mm[3]])).toEqual(
        ["ExecutionsStarted", "ExecutionsSucceeded", "ExecutionsFailed", "ExecutionsTimedOut", "ExecutionsAborted", "ExecutionTime"].map((metric) => [
          "AWS/States",
          metric,
          "StateMachineArn",
          out.ref("aws_sfn_state_machine", "arn"),
        ]),
      );
    });
  });

  describe("monitorIotRule", () => {
    const ingest = (s: Construct) => {
      Naming.configure(TerraformStack.of(s), { app: "test", env: "dev", account: ACCOUNT });
      return new IotIngest(s, "Devices", { name: "devices", stream: new Stream(s, "Activity", { name: "activity" }) });
    };

    it("alarms on Kinesis action failures (RuleName + ActionType), parse errors and throttling (RuleName), Sum > 0, to the alarm topic", () => {
      const out = synthStack((s) => {
        const m = new Monitoring(s, "Monitoring", PROPS);
        const rule = ingest(s);
        const a = m.monitorIotRule(rule);
        expect(a.failures).toHaveLength(1);
        // the same rule with the same options: the same alarms, no second set
        expect(m.monitorIotRule(rule)).toBe(a);
      });
      const topic = out.ref("aws_sns_topic", "arn");
      const common = {
        namespace: "AWS/IoT",
        statistic: "Sum",
        threshold: 0,
        period: 300,
        comparison_operator: "GreaterThanThreshold",
        alarm_actions: [topic],
        ok_actions: [topic],
      };
      expect(alarmNamed(out, "test-dev-devices-kinesis-failures")).toMatchObject({
        ...common,
        metric_name: "Failure",
        dimensions: { RuleName: "test_dev_devices", ActionType: "Kinesis" },
      });
      expect(alarmNamed(out, "test-dev-devices-parse-errors")).toMatchObject({ ...common, metric_name: "ParseError", dimensions: { RuleName: "test_dev_devices" } });
      expect(alarmNamed(out, "test-dev-devices-throttled")).toMatchObject({ ...common, metric_name: "RuleMessageThrottled", dimensions: { RuleName: "test_dev_devices" } });
      expect(alarmNamed(out, "test-dev-devices-kinesis-failures").alarm_description).toMatch(
        /IoT rule test_dev_devices \(test\/Devices\): its Kinesis action failed more than 0 time\(s\) in 5 minutes/,
      );
      const widget = metricWidgets(out).find((w) => w.properties.title === "IoT rule test_dev_devices");
      expect(widget.properties.metrics.map((m: any[]) => m[1])).toEqual(["TopicMatch", "Success", "Failure", "ParseError", "RuleMessageThrottled"]);
      expect(widget.properties.metrics[2].slice(0, 6)).toEqual(["AWS/IoT", "Failure", "RuleName", "test_dev_devices", "ActionType", "Kinesis"]);
    });

    it("takes thresholds, one failures alarm per action type of an imported rule, and refuses a rule without action types", () => {
      const out = synthStack((s) => {
        const m = new Monitoring(s, "Monitoring", PROPS);
        const rule = IotIngest.fromAttributes(s, "Other", {
          ruleArn: `arn:aws:iot:eu-west-1:${ACCOUNT}:rule/other`,
          thingTypeName: "t",
          policyName: "p",
          actionTypes: ["Kinesis", "Lambda"],
        });
        m.monitorIotRule(rule, { failuresThreshold: 5, parseErrorsThreshold: 1, throttledThreshold: 2 });
        expect(() => m.monitorIotRule(rule, { failuresThreshold: 6 })).toThrow(/monitorIotRule\(test\/Other\) was already called/);
        const none = IotIngest.fromAttributes(s, "None", { ruleArn: `arn:aws:iot:eu-west-1:${ACCOUNT}:rule/none`, thingTypeName: "t", policyName: "p", actionTypes: [] });
        expect(() => m.monitorIotRule(none)).toThrow(/got a rule with no action types[\s\S]*Fix: pass a rule whose actionTypes name its actions/);
        expect(() => m.monitorIotRule(rule, { throttledThreshold: -1 })).toThrow(/throttledThreshold: received -1/);
      });
      expect(
        alarms(out)
          .map((a) => [a.metric_name, a.dimensions.ActionType ?? null, a.threshold])
          .sort(),
      ).toEqual([
        ["Failure", "Kinesis", 5],
        ["Failure", "Lambda", 5],
        ["ParseError", null, 1],
        ["RuleMessageThrottled", null, 2],
      ]);
    });
  });

  describe("validation", () => {
    it("collects every invalid prop into one error", () => {
      expect(() => synthStack((s) => new Monitoring(s, "Bad", { accountId: "12345", alarmEmail: "not an email", region: "Europe", name: "Ops!" }))).toThrow(
        /Monitoring "test\/Bad": invalid props \(4 problems\):\n {2}- accountId: received "12345"; allowed: a 12-digit AWS account id[\s\S]*\n {2}- alarmEmail: received "not an email"[\s\S]*\n {2}- region: received "Europe"[\s\S]*\n {2}- name: received "Ops!"/,
      );
    });

    it("refuses negative or non-finite thresholds", () => {
      const out = (build: (m: Monitoring, s: TerraformStack) => void) => () =>
        synthStack((s) => {
          build(new Monitoring(s, "Monitoring", PROPS), s);
        });
      expect(out((m, s) => m.monitorFunction(fn(s, "F", "f"), { errorsThreshold: -1, throttlesThreshold: Number.NaN }))).toThrow(
        /Monitoring\.monitorFunction "test\/Monitoring": invalid props \(2 problems\):\n {2}- errorsThreshold: received -1; allowed: a number ≥ 0[\s\S]*throttlesThreshold/,
      );
      expect(out((m, s) => m.monitorQueue(new Queue(s, "Q", { name: "q" }), { messagesThreshold: -5 }))).toThrow(/messagesThreshold: received -5/);
      expect(out((m, s) => m.monitorHttpApi(new HttpApi(s, "Api", { name: "api" }), { serverErrorsThreshold: -0.5 }))).toThrow(/serverErrorsThreshold: received -0\.5/);
      expect(out((m, s) => m.monitorEventSourceIteratorAge(fn(s, "F", "f"), { thresholdSeconds: -60 }))).toThrow(/thresholdSeconds: received -60/);
    });
  });

  describe("terraform", () => {
    it("a stack with everything monitored is valid Terraform and plans the alarms, topic, key and dashboard", async () => {
      const app = Testing.app();
      // the platform's offline stack: fake credentials with the skip flags, local state, naming context test-dev
      const stack = new AwsStack(app, "monitoring", { app: "test", env: "dev", region: "eu-west-1", tags: {}, offline: true });
      const m = new Monitoring(stack, "Monitoring", PROPS);
      const events = fn(stack, "Events", "events");
      const table = new Table(stack, "Profiles", { name: "profiles", partitionKey: { name: "pk", type: "S" }, stream: "NEW_AND_OLD_IMAGES" });
      const failures = new Queue(stack, "Failures", { name: "failures", deadLetterQueue: false });
      events.addDynamoDbStreamEventSource(table, { onFailure: failures });
      m.monitorFunction(events);
      m.monitorQueue(failures);
      m.monitorQueue(new Queue(stack, "Orders", { name: "orders" }));
      m.monitorHttpApi(new HttpApi(stack, "Api", { name: "api" }));
      m.monitorEventSourceIteratorAge(events);
      const outdir = Testing.fullSynth(stack);
      const { validate, plan } = await validateAndPlan(`${outdir}/stacks/monitoring`);
      expect(validate.diagnostics).toEqual([]);
      expect(validate.valid).toBe(true);
      expect(countByType(plan)).toMatchObject({
        aws_cloudwatch_metric_alarm: 2 + 1 + 1 + 1 + 1,
        aws_cloudwatch_dashboard: 1,
        aws_sns_topic: 1,
        aws_sns_topic_subscription: 1,
        aws_kms_key: 1,
      });
    }, 300_000);
  });
});
