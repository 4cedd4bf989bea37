import { createHash } from "node:crypto";
import { Lazy, TerraformStack } from "cdktf";
import { Construct, IConstruct } from "constructs";
import { CloudwatchDashboard } from "@cdktf/provider-aws/lib/cloudwatch-dashboard";
import { CloudwatchMetricAlarm } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";
import { IFunction, IHttpApi, IQueue } from "../core/interfaces";
import { physicalName } from "../core/naming";
import { defaultAwsProvider, providerRegion } from "../core/provider";
import type { IDeliveryStream } from "../data-lake";
import type { IIotTopicRule } from "../iot-ingest";
import { Key } from "../kms-key";
import type { IStateMachine } from "../state-machine";
import { Topic } from "../topic";
import { validateMonitoringProps, validateThresholds } from "./validate-props";

/** The service principal CloudWatch alarms publish to SNS as. */
export const CLOUDWATCH_PRINCIPAL = "cloudwatch.amazonaws.com";

/** Period of every alarm and dashboard metric: 5 minutes. */
export const ALARM_PERIOD_SECONDS = 300;

export interface MonitoringProps {
  /**
   * The 12-digit id of the account the alarms live in: the alarm key's policy names it and the topic policy only lets
   * this account's alarms (`arn:aws:cloudwatch:<region>:<accountId>:alarm:*`) publish. Required.
   */
  readonly accountId: string;
  /** E-mail address subscribed to the alarm topic (SNS sends a confirmation mail first). @default no subscription */
  readonly alarmEmail?: string;
  /**
   * Region of the alarms and dashboard metrics. @default the region of the stack's AWS provider (an error asks for this
   * prop when the stack has none or it is a token)
   */
  readonly region?: string;
  /**
   * Logical name, 1–100 chars of [a-z0-9-]: the dashboard is `<app>-<env>-<name>`, the topic and key `<name>-alarms`.
   * @default "monitoring"
   */
  readonly name?: string;
}

export interface FunctionAlarmOptions {
  /** The Errors alarm fires when the Sum over 5 minutes is above this. @default 0 (any error) */
  readonly errorsThreshold?: number;
  /** The Throttles alarm fires when the Sum over 5 minutes is above this. @default 0 (any throttle) */
  readonly throttlesThreshold?: number;
}

export interface QueueAlarmOptions {
  /** The alarm fires when ApproximateNumberOfMessagesVisible (Maximum over 5 minutes) is above this. @default 0 (any message) */
  readonly messagesThreshold?: number;
}

export interface HttpApiAlarmOptions {
  /** The 5xx alarm fires when the Sum of 5xx responses over 5 minutes is above this. @default 0 (any server error) */
  readonly serverErrorsThreshold?: number;
}

export interface IteratorAgeAlarmOptions {
  /** The alarm fires when IteratorAge (Maximum over 5 minutes) is above this many seconds. @default 60 */
  readonly thresholdSeconds?: number;
}

export interface DeliveryStreamAlarmOptions {
  /**
   * The freshness alarm fires when DeliveryToS3.DataFreshness (Maximum over 5 minutes), the age of the oldest record
   * not yet delivered, is above this many seconds. Keep it above the stream's buffering interval.
   * @default 900 (15 minutes: three times Firehose's default 300 s buffer)
   */
  readonly freshnessThresholdSeconds?: number;
}

/** The alarms of one monitored delivery stream. */
export interface DeliveryStreamAlarms {
  /** DeliveryToS3.Success (Minimum over 5 minutes) below 1: some S3 deliveries failed (records retried, then sent to the error prefix). */
  readonly deliveryFailures: CloudwatchMetricAlarm;
  /** DeliveryToS3.DataFreshness (Maximum) above the threshold: records wait undelivered. */
  readonly freshness: CloudwatchMetricAlarm;
}

export interface StateMachineAlarmOptions {
  /** Each alarm (failed, timed out, aborted executions) fires when its Sum over 5 minutes is above this. @default 0 (any) */
  readonly executionsThreshold?: number;
}

/** The alarms of one monitored state machine. */
export interface StateMachineAlarms {
  readonly failed: CloudwatchMetricAlarm;
  readonly timedOut: CloudwatchMetricAlarm;
  readonly aborted: CloudwatchMetricAlarm;
}

export interface IotRuleAlarmOptions {
  /** The failures alarm (one per action type) fires when the Sum of `Failure` over 5 minutes is above this. @default 0 (any failed action) */
  readonly failuresThreshold?: number;
  /** The parse-errors alarm fires when the Sum of `ParseError` (messages that are not JSON) over 5 minutes is above this. @default 0 */
  readonly parseErrorsThreshold?: number;
  /** The throttled alarm fires when the Sum of `RuleMessageThrottled` over 5 minutes is above this. @default 0 */
  readonly throttledThreshold?: number;
}

/** The alarms of one monitored IoT topic rule. */
export interface IotRuleAlarms {
  /** One per action type of the rule (AWS/IoT `Failure`, dimensions RuleName and ActionType). */
  readonly failures: readonly CloudwatchMetricAlarm[];
  readonly parseErrors: CloudwatchMetricAlarm;
  readonly throttled: CloudwatchMetricAlarm;
}

/** The alarms of one monitored function. */
export interface FunctionAlarms {
  readonly errors: CloudwatchMetricAlarm;
  readonly throttles: CloudwatchMetricAlarm;
}

interface AlarmSpec {
  /** Suffix of the construct id and of the alarm's physical name. */
  readonly kind: string;
  readonly description: string;
  readonly namespace: string;
  readonly metricName: string;
  readonly dimensions: Record<string, string>;
  readonly statistic: "Sum" | "Maximum" | "Minimum";
  readonly threshold: number;
  /** @default "GreaterThanThreshold" */
  readonly comparisonOperator?: "GreaterThanThreshold" | "LessThanThreshold";
}

interface Monitored<T, O, A> {
  readonly target: T;
  readonly slug: string;
  readonly options: O;
  readonly alarms: A;
}

type Metric = [string, string, ...Array<string | Record<string, unknown>>];

/**
 * Alarms and a dashboard for the things an environment runs. Every alarm publishes to one SNS topic encrypted with a
 * customer-managed key (CloudWatch may use the key and publish to the topic for this account's alarms only), with an
 * optional e-mail subscription. Alarms fire on one breaching 5-minute datapoint, notify again when they recover, and
 * treat missing data as not breaching. The dashboard renders at synth, so things monitored after construction are on it.
 *
 * Calling a monitor method again for the same thing with the same options returns the existing alarms; with different
 * options it throws (one set of alarms per thing).
 */
export class Monitoring extends Construct {
  /** Where every alarm and OK notification goes. */
  public readonly alarmTopic: Topic;
  /** The customer-managed key the alarm topic is encrypted with. */
  public readonly alarmKey: Key;
  /** `<app>-<env>-<name>` (known at synth). */
  public readonly dashboardName: string;
  public readonly dashboard: CloudwatchDashboard;
  /** Region of the alarms and the dashboard's metrics. */
  public readonly region: string;
  public readonly accountId: string;
  private readonly functionMonitors = new Map<IFunction, Monitored<IFunction, Required<FunctionAlarmOptions>, FunctionAlarms>>();
  private readonly queueMonitors = new Map<IQueue, Monitored<IQueue, Required<QueueAlarmOptions>, CloudwatchMetricAlarm> & { readonly source: IQueue }>();
  private readonly apiMonitors = new Map<IHttpApi, Monitored<IHttpApi, Required<HttpApiAlarmOptions>, CloudwatchMetricAlarm>>();
  private readonly iteratorMonitors = new Map<IFunction, Monitored<IFunction, Required<IteratorAgeAlarmOptions>, CloudwatchMetricAlarm>>();
  private readonly iotRuleMonitors = new Map<IIotTopicRule, Monitored<IIotTopicRule, Required<IotRuleAlarmOptions>, IotRuleAlarms>>();
  private readonly stateMachineMonitors = new Map<IStateMachine, Monitored<IStateMachine, Required<StateMachineAlarmOptions>, StateMachineAlarms>>();
  private readonly deliveryMonitors = new Map<IDeliveryStream, Monitored<IDeliveryStream, Required<DeliveryStreamAlarmOptions>, DeliveryStreamAlarms>>();
  private readonly alarms: CloudwatchMetricAlarm[] = [];
  private readonly slugs = new Map<string, object>();

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);
    validateMonitoringProps(this.node.path, props);
    const name = props.name ?? "monitoring";
    this.accountId = props.accountId;
    this.region = props.region ?? alarmRegion(this);

    this.alarmKey = new Key(this, "AlarmKey", {
      name: `${name}-alarms`,
      accountId: props.accountId,
      description: `Encrypts the alarm topic of ${this.node.path}`,
      allowServices: [CLOUDWATCH_PRINCIPAL],
    });
    this.alarmTopic = new Topic(this, "AlarmTopic", { name: `${name}-alarms`, encryptionKey: this.alarmKey });
    this.alarmTopic.allowPublishFrom(CLOUDWATCH_PRINCIPAL, { sourceArn: `arn:aws:cloudwatch:${this.region}:${props.accountId}:alarm:*`, sourceAccount: props.accountId });
    if (props.alarmEmail !== undefined) this.alarmTopic.addEmailSubscription("AlarmEmail", props.alarmEmail);

    this.dashboardName = physicalName(this, name, { maxLength: 255 });
    this.dashboard = new CloudwatchDashboard(this, "Dashboard", {
      dashboardName: this.dashboardName,
      dashboardBody: Lazy.stringValue({ produce: () => this.renderDashboard() }),
    });
  }

  /** Every alarm created so far, in creation order. */
  public get allAlarms(): readonly CloudwatchMetricAlarm[] {
    return [...this.alarms];
  }

  /** Errors and Throttles alarms (Sum over 5 minutes) for a function, and its widget on the dashboard. */
  public monitorFunction(fn: IFunction, options: FunctionAlarmOptions = {}): FunctionAlarms {
    const resolved = { errorsThreshold: options.errorsThreshold ?? 0, throttlesThreshold: options.throttlesThreshold ?? 0 };
    validateThresholds(this.node.path, "monitorFunction", resolved);
    const existing = this.reuse("monitorFunction", this.functionMonitors, fn, resolved);
    if (existing) return existing;
    const slug = this.slugFor(fn, "function");
    const path = pathOf(fn);
    const dims = { FunctionName: fn.name };
    const alarms: FunctionAlarms = {
      errors: this.alarm(slug, {
        kind: "errors",
        description: `Lambda function ${path} failed more than ${resolved.errorsThreshold} time(s) in 5 minutes (Errors). Check its log group for the error.`,
        namespace: "AWS/Lambda",
        metricName: "Errors",
        dimensions: dims,
        statistic: "Sum",
        threshold: resolved.errorsThreshold,
      }),
      throttles: this.alarm(slug, {
        kind: "throttles",
        description: `Lambda function ${path} was throttled more than ${resolved.throttlesThreshold} time(s) in 5 minutes (Throttles). Check reserved and account concurrency.`,
        namespace: "AWS/Lambda",
        metricName: "Throttles",
        dimensions: dims,
        statistic: "Sum",
        threshold: resolved.throttlesThreshold,
      }),
    };
    this.functionMonitors.set(fn, { target: fn, slug, options: resolved, alarms });
    return alarms;
  }

  /**
   * Alarms when messages pile up where nobody should leave them: on the queue's dead-letter queue when it has one,
   * otherwise on the queue itself (a dead-letter or failure-destination queue). Adds a depth widget to the dashboard.
   */
  public monitorQueue(queue: IQueue, options: QueueAlarmOptions = {}): CloudwatchMetricAlarm {
    const resolved = { messagesThreshold: options.messagesThreshold ?? 0 };
    validateThresholds(this.node.path, "monitorQueue", resolved);
    const dlq = queue.deadLetterQueue;
    const target = dlq ?? queue;
    const existing = this.reuse("monitorQueue", this.queueMonitors, target, resolved);
    if (existing) return existing;
    const slug = this.slugFor(target, "queue");
    const what = dlq ? `Dead-letter queue ${pathOf(dlq)} of ${pathOf(queue)}` : `Queue ${pathOf(queue)}`;
    const alarm = this.alarm(slug, {
      kind: "messages-visible",
      description: `${what} holds more than ${resolved.messagesThreshold} message(s) (ApproximateNumberOfMessagesVisible): failed work waits there. Inspect and re-drive it.`,
      namespace: "AWS/SQS",
      metricName: "ApproximateNumberOfMessagesVisible",
      dimensions: { QueueName: target.name },
      statistic: "Maximum",
      threshold: resolved.messagesThreshold,
    });
    this.queueMonitors.set(target, { target, source: queue, slug, options: resolved, alarms: alarm });
    return alarm;
  }

  /** Alarms on the HTTP API's 5xx responses (Sum over 5 minutes), and adds its traffic, errors and latency to the dashboard. */
  public monitorHttpApi(api: IHttpApi, options: HttpApiAlarmOptions = {}): CloudwatchMetricAlarm {
    const resolved = { serverErrorsThreshold: options.serverErrorsThreshold ?? 0 };
    validateThresholds(this.node.path, "monitorHttpApi", resolved);
    const existing = this.reuse("monitorHttpApi", this.apiMonitors, api, resolved);
    if (existing) return existing;
    const slug = this.slugFor(api, "api");
    const alarm = this.alarm(slug, {
      kind: "5xx",
      description: `HTTP API ${pathOf(api)} answered more than ${resolved.serverErrorsThreshold} request(s) with 5xx in 5 minutes. Check the access log's integrationErrorMessage and the functions' logs.`,
      namespace: "AWS/ApiGateway",
      metricName: "5xx",
      dimensions: { ApiId: api.apiId, Stage: api.stageName },
      statistic: "Sum",
      threshold: resolved.serverErrorsThreshold,
    });
    this.apiMonitors.set(api, { target: api, slug, options: resolved, alarms: alarm });
    return alarm;
  }

  /**
   * Alarms when a stream consumer (Kinesis or DynamoDB stream event source) falls behind: IteratorAge (Maximum over
   * 5 minutes) above `thresholdSeconds`. Synth fails when the function ends up with no stream event source.
   */
  public monitorEventSourceIteratorAge(fn: IFunction, options: IteratorAgeAlarmOptions = {}): CloudwatchMetricAlarm {
    const resolved = { thresholdSeconds: options.thresholdSeconds ?? 60 };
    validateThresholds(this.node.path, "monitorEventSourceIteratorAge", resolved);
    const existing = this.reuse("monitorEventSourceIteratorAge", this.iteratorMonitors, fn, resolved);
    if (existing) return existing;
    const slug = this.slugFor(fn, "function");
    const alarm = this.alarm(slug, {
      kind: "iterator-age",
      description: `Lambda function ${pathOf(fn)} is more than ${resolved.thresholdSeconds} s behind its stream (IteratorAge). Check its errors, throttles and batch settings.`,
      namespace: "AWS/Lambda",
      metricName: "IteratorAge",
      dimensions: { FunctionName: fn.name },
      statistic: "Maximum",
      threshold: resolved.thresholdSeconds * 1000,
    });
    this.iteratorMonitors.set(fn, { target: fn, slug, options: resolved, alarms: alarm });
    // Known for a function of this app (hasStreamEventSource), unknown (not checked) for an imported one.
    const hasStreamEventSource = fn.hasStreamEventSource?.bind(fn);
    if (hasStreamEventSource) {
      this.node.addValidation({
        validate: () =>
          hasStreamEventSource()
            ? []
            : [
                `Monitoring "${this.node.path}": monitorEventSourceIteratorAge(${fn.node.path}) but the function has no Kinesis or DynamoDB stream event source, so IteratorAge is never emitted. Fix: add the stream event source, or remove the call.`,
              ],
      });
    }
    return alarm;
  }

  /**
   * Alarms on a Firehose delivery stream's S3 deliveries: failed deliveries (DeliveryToS3.Success, the share of
   * successful S3 puts, Minimum over 5 minutes below 1) and stale data (DeliveryToS3.DataFreshness, Maximum above
   * `freshnessThresholdSeconds`). Both treat missing data (an idle stream) as not breaching. Adds a widget to the dashboard.
   */
  public monitorDeliveryStream(stream: IDeliveryStream, options: DeliveryStreamAlarmOptions = {}): DeliveryStreamAlarms {
    const resolved = { freshnessThresholdSeconds: options.freshnessThresholdSeconds ?? 900 };
    validateThresholds(this.node.path, "monitorDeliveryStream", resolved);
    const existing = this.reuse("monitorDeliveryStream", this.deliveryMonitors, stream, resolved);
    if (existing) return existing;
    const slug = this.slugFor(stream, "delivery-stream");
    const dims = { DeliveryStreamName: stream.name };
    const alarms: DeliveryStreamAlarms = {
      deliveryFailures: this.alarm(slug, {
        kind: "delivery-failures",
        description: `Firehose delivery stream ${pathOf(stream)} failed S3 deliveries in 5 minutes (DeliveryToS3.Success below 1). Check its error log stream and the errors/ prefix of the bucket.`,
        namespace: "AWS/Firehose",
        metricName: "DeliveryToS3.Success",
        dimensions: dims,
        statistic: "Minimum",
        threshold: 1,
        comparisonOperator: "LessThanThreshold",
      }),
      freshness: this.alarm(slug, {
        kind: "data-freshness",
        description: `Firehose delivery stream ${pathOf(stream)} holds records older than ${resolved.freshnessThresholdSeconds} s (DeliveryToS3.DataFreshness). Check its role, the bucket and the error log stream.`,
        namespace: "AWS/Firehose",
        metricName: "DeliveryToS3.DataFreshness",
        dimensions: dims,
        statistic: "Maximum",
        threshold: resolved.freshnessThresholdSeconds,
      }),
    };
    this.deliveryMonitors.set(stream, { target: stream, slug, options: resolved, alarms });
    return alarms;
  }

  /**
   * Alarms on a state machine's failed, timed-out and aborted executions (AWS/States ExecutionsFailed,
   * ExecutionsTimedOut, ExecutionsAborted; Sum over 5 minutes, dimension StateMachineArn), and its executions on the
   * dashboard.
   */
  public monitorStateMachine(sm: IStateMachine, options: StateMachineAlarmOptions = {}): StateMachineAlarms {
    const resolved = { executionsThreshold: options.executionsThreshold ?? 0 };
    validateThresholds(this.node.path, "monitorStateMachine", resolved);
    const existing = this.reuse("monitorStateMachine", this.stateMachineMonitors, sm, resolved);
    if (existing) return existing;
    const slug = this.slugFor(sm, "state-machine");
    const path = pathOf(sm);
    const alarm = (kind: string, metricName: string, what: string, check: string) =>
      this.alarm(slug, {
        kind,
        description: `State machine ${path} had more than ${resolved.executionsThreshold} ${what} execution(s) in 5 minutes (${metricName}). ${check}`,
        namespace: "AWS/States",
        metricName,
        dimensions: { StateMachineArn: sm.arn },
        statistic: "Sum",
        threshold: resolved.executionsThreshold,
      });
    const alarms: StateMachineAlarms = {
      failed: alarm("executions-failed", "ExecutionsFailed", "failed", "Open the failed execution's history and its log group."),
      timedOut: alarm("executions-timed-out", "ExecutionsTimedOut", "timed-out", "Check which state ran out of time (TimeoutSeconds)."),
      aborted: alarm("executions-aborted", "ExecutionsAborted", "aborted", "Someone or something stopped executions: check CloudTrail StopExecution calls."),
    };
    this.stateMachineMonitors.set(sm, { target: sm, slug, options: resolved, alarms });
    return alarms;
  }

  /**
   * Alarms on an AWS IoT topic rule: an action that failed (`Failure`, one alarm per action type of the rule: what the
   * error action then received, or lost if it failed too), a message that is not JSON (`ParseError`: the rule never
   * ran, the message is gone) and throttled messages (`RuleMessageThrottled`), each the Sum over 5 minutes. Watch the
   * rule's error queue with `monitorQueue` too. Adds the rule's traffic to the dashboard.
   */
  public monitorIotRule(rule: IIotTopicRule, options: IotRuleAlarmOptions = {}): IotRuleAlarms {
    const resolved = {
      failuresThreshold: options.failuresThreshold ?? 0,
      parseErrorsThreshold: options.parseErrorsThreshold ?? 0,
      throttledThreshold: options.throttledThreshold ?? 0,
    };
    validateThresholds(this.node.path, "monitorIotRule", resolved);
    const existing = this.reuse("monitorIotRule", this.iotRuleMonitors, rule, resolved);
    if (existing) return existing;
    if (rule.actionTypes.length === 0) {
      throw new Error(
        `Monitoring "${this.node.path}": monitorIotRule(${pathOf(rule)}) got a rule with no action types, so no Failure metric can be alarmed. Fix: pass a rule whose actionTypes name its actions (e.g. ["Kinesis"]).`,
      );
    }
    const slug = this.slugFor(rule, "iot-rule");
    const path = pathOf(rule);
    const alarms: IotRuleAlarms = {
      failures: rule.actionTypes.map((actionType) =>
        this.alarm(slug, {
          kind: `${actionType.toLowerCase()}-failures`,
          description: `IoT rule ${rule.ruleName} (${path}): its ${actionType} action failed more than ${resolved.failuresThreshold} time(s) in 5 minutes (Failure). Those messages went to the rule's error action: inspect and re-drive them.`,
          namespace: "AWS/IoT",
          metricName: "Failure",
          dimensions: { RuleName: rule.ruleName, ActionType: actionType },
          statistic: "Sum",
          threshold: resolved.failuresThreshold,
        }),
      ),
      parseErrors: this.alarm(slug, {
        kind: "parse-errors",
        description: `IoT rule ${rule.ruleName} (${path}) received more than ${resolved.parseErrorsThreshold} message(s) that are not JSON in 5 minutes (ParseError). The rule did not run for them: find the device publishing them.`,
        namespace: "AWS/IoT",
        metricName: "ParseError",
        dimensions: { RuleName: rule.ruleName },
        statistic: "Sum",
        threshold: resolved.parseErrorsThreshold,
      }),
      throttled: this.alarm(slug, {
        kind: "throttled",
        description: `IoT rule ${rule.ruleName} (${path}) was throttled more than ${resolved.throttledThreshold} time(s) in 5 minutes (RuleMessageThrottled): messages were not processed. Check the account's rules engine quotas.`,
        namespace: "AWS/IoT",
        metricName: "RuleMessageThrottled",
        dimensions: { RuleName: rule.ruleName },
        statistic: "Sum",
        threshold: resolved.throttledThreshold,
      }),
    };
    this.iotRuleMonitors.set(rule, { target: rule, slug, options: resolved, alarms });
    return alarms;
  }

  private reuse<T extends IConstruct, O, A>(method: string, monitors: Map<T, Monitored<T, O, A>>, target: T, options: O): A | undefined {
    const existing = monitors.get(target);
    if (!existing) return undefined;
    if (JSON.stringify(existing.options) !== JSON.stringify(options)) {
      throw new Error(
        `Monitoring "${this.node.path}": ${method}(${pathOf(target)}) was already called with ${JSON.stringify(existing.options)}; ` +
          `called again with ${JSON.stringify(options)}. One set of alarms per monitored thing. Fix: call ${method} once for it, with the options you want.`,
      );
    }
    return existing.alarms;
  }

  /** A kebab-case slug of the target's construct path below the stack, unique within this Monitoring. */
  private slugFor(target: IConstruct, fallback: string): string {
    const stackPath = TerraformStack.of(target).node.path;
    const rel = target.node.path.startsWith(`${stackPath}/`) ? target.node.path.slice(stackPath.length + 1) : target.node.id;
    let slug =
      rel
        .split("/")
        .map((part) => part.replace(/([a-z0-9])([A-Z])/g, "$1-$2"))
        .join("-")
        .replace(/[^A-Za-z0-9]+/g, "-")
        .replace(/^-|-$/g, "")
        .toLowerCase() || fallback;
    const owner = this.slugs.get(slug);
    if (owner !== undefined && owner !== target) {
      slug = `${slug}-${createHash("sha256").update(target.node.path).digest("hex").slice(0, 8)}`;
    }
    this.slugs.set(slug, target);
    return slug;
  }

  private alarm(slug: string, spec: AlarmSpec): CloudwatchMetricAlarm {
    const alarm = new CloudwatchMetricAlarm(this, `${slug}-${spec.kind}`, {
      alarmName: physicalName(this, `${slug}-${spec.kind}`, { maxLength: 255 }),
      alarmDescription: spec.description.slice(0, 1024),
      namespace: spec.namespace,
      metricName: spec.metricName,
      dimensions: spec.dimensions,
      statistic: spec.statistic,
      period: ALARM_PERIOD_SECONDS,
      evaluationPeriods: 1,
      datapointsToAlarm: 1,
      comparisonOperator: spec.comparisonOperator ?? "GreaterThanThreshold",
      threshold: spec.threshold,
      treatMissingData: "notBreaching",
      alarmActions: [this.alarmTopic.arn],
      okActions: [this.alarmTopic.arn],
    });
    this.alarms.push(alarm);
    return alarm;
  }

  /** The dashboard body (CloudWatch dashboard JSON) for everything monitored so far. */
  public renderDashboard(): string {
    const widgets: Array<Record<string, unknown>> = [];
    let y = 0;
    let x = 0;
    const full = (widget: Record<string, unknown>, height: number) => {
      if (x !== 0) {
        y += 6;
        x = 0;
      }
      widgets.push({ ...widget, x: 0, y, width: 24, height });
      y += height;
    };
    const half = (title: string, metrics: Metric[], extra: Record<string, unknown> = {}) => {
      widgets.push({
        type: "metric",
        x,
        y,
        width: 12,
        height: 6,
        properties: { title, region: this.region, view: "timeSeries", stacked: false, period: ALARM_PERIOD_SECONDS, metrics, ...extra },
      });
      if (x === 0) x = 12;
      else {
        x = 0;
        y += 6;
      }
    };

    for (let i = 0; i < this.alarms.length; i += 100) {
      full({ type: "alarm", properties: { title: i === 0 ? "Alarms" : `Alarms (${i + 1}+)`, alarms: this.alarms.slice(i, i + 100).map((a) => a.arn) } }, 4);
    }
    if (this.alarms.length === 0) {
      full({ type: "text", properties: { markdown: `Nothing is monitored yet: call the monitor methods of \`${this.node.path}\`.` } }, 2);
    }
    for (const { target: fn } of this.functionMonitors.values()) {
      const d = ["FunctionName", fn.name];
      half(`Lambda ${fn.name}`, [
        ["AWS/Lambda", "Invocations", ...d, { stat: "Sum", label: "Invocations" }],
        ["AWS/Lambda", "Errors", ...d, { stat: "Sum", label: "Errors" }],
        ["AWS/Lambda", "Throttles", ...d, { stat: "Sum", label: "Throttles" }],
        ["AWS/Lambda", "Duration", ...d, { stat: "p99", label: "Duration p99 (ms)", yAxis: "right" }],
      ]);
    }
    for (const { target, source } of this.queueMonitors.values()) {
      const metrics: Metric[] = [];
      if (source !== target) metrics.push(["AWS/SQS", "ApproximateNumberOfMessagesVisible", "QueueName", source.name, { stat: "Maximum", label: "Queue depth" }]);
      const label = source !== target ? "Dead-letter queue depth" : "Queue depth";
      metrics.push(
        ["AWS/SQS", "ApproximateNumberOfMessagesVisible", "QueueName", target.name, { stat: "Maximum", label }],
        ["AWS/SQS", "ApproximateAgeOfOldestMessage", "QueueName", target.name, { stat: "Maximum", label: "Oldest message age (s)", yAxis: "right" }],
      );
      half(`SQS ${source.name}`, metrics);
    }
    for (const { target: api, slug } of this.apiMonitors.values()) {
      const d = ["ApiId", api.apiId, "Stage", api.stageName];
      half(`HTTP API ${slug}`, [
        ["AWS/ApiGateway", "Count", ...d, { stat: "Sum", label: "Requests" }],
        ["AWS/ApiGateway", "4xx", ...d, { stat: "Sum", label: "4xx" }],
        ["AWS/ApiGateway", "5xx", ...d, { stat: "Sum", label: "5xx" }],
        ["AWS/ApiGateway", "Latency", ...d, { stat: "p99", label: "Latency p99 (ms)", yAxis: "right" }],
      ]);
    }
    for (const { target: rule } of this.iotRuleMonitors.values()) {
      const d = ["RuleName", rule.ruleName];
      half(`IoT rule ${rule.ruleName}`, [
        ["AWS/IoT", "TopicMatch", ...d, { stat: "Sum", label: "Messages matched" }],
        ...rule.actionTypes.flatMap((actionType): Metric[] => [
          ["AWS/IoT", "Success", ...d, "ActionType", actionType, { stat: "Sum", label: `${actionType} success` }],
          ["AWS/IoT", "Failure", ...d, "ActionType", actionType, { stat: "Sum", label: `${actionType} failure` }],
        ]),
        ["AWS/IoT", "ParseError", ...d, { stat: "Sum", label: "Parse errors" }],
        ["AWS/IoT", "RuleMessageThrottled", ...d, { stat: "Sum", label: "Throttled" }],
      ]);
    }
    for (const { target: fn } of this.iteratorMonitors.values()) {
      half(`Iterator age ${fn.name}`, [["AWS/Lambda", "IteratorAge", "FunctionName", fn.name, { stat: "Maximum", label: "Iterator age max (ms)" }]]);
    }
    for (const { target: stream } of this.deliveryMonitors.values()) {
      const d = ["DeliveryStreamName", stream.name];
      half(`Firehose ${stream.name}`, [
        ["AWS/Firehose", "DeliveryToS3.Records", ...d, { stat: "Sum", label: "Records delivered" }],
        ["AWS/Firehose", "DeliveryToS3.Success", ...d, { stat: "Minimum", label: "Success (min)" }],
        ["AWS/Firehose", "DeliveryToS3.DataFreshness", ...d, { stat: "Maximum", label: "Data freshness max (s)", yAxis: "right" }],
      ]);
    }
    for (const { target: sm, slug } of this.stateMachineMonitors.values()) {
      const d = ["StateMachineArn", sm.arn];
      half(`Step Functions ${slug}`, [
        ["AWS/States", "ExecutionsStarted", ...d, { stat: "Sum", label: "Started" }],
        ["AWS/States", "ExecutionsSucceeded", ...d, { stat: "Sum", label: "Succeeded" }],
        ["AWS/States", "ExecutionsFailed", ...d, { stat: "Sum", label: "Failed" }],
        ["AWS/States", "ExecutionsTimedOut", ...d, { stat: "Sum", label: "Timed out" }],
        ["AWS/States", "ExecutionsAborted", ...d, { stat: "Sum", label: "Aborted" }],
        ["AWS/States", "ExecutionTime", ...d, { stat: "p99", label: "Execution time p99 (ms)", yAxis: "right" }],
      ]);
    }
    return JSON.stringify({ widgets });
  }
}

function pathOf(x: IConstruct): string {
  return x.node.path;
}

/** The region of the stack's default (un-aliased) AWS provider; throws when there is none known at synth. */
function alarmRegion(scope: IConstruct): string {
  const region = providerRegion(scope);
  if (region === undefined) {
    throw new Error(
      `Monitoring "${scope.node.path}": the region is needed for the alarm topic policy and the dashboard, but the stack's AWS provider ${defaultAwsProvider(scope) ? "has no literal region" : "is missing"}. Fix: pass region (e.g. "eu-west-1") in the props.`,
    );
  }
  return region;
}
