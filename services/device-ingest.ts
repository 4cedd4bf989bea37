import { Construct } from "constructs";
import { IotIngest, IotIngestStream } from "../modules/iot-ingest";
import type { Monitoring } from "../modules/monitoring";

export interface DeviceIngestServiceProps {
  /** The activity stream: every device message becomes one activity event on it (activity-processor consumes it). */
  readonly stream: IotIngestStream;
  /** Alarms on the rule (failed puts, non-JSON messages, throttling) and on its error queue go here. */
  readonly monitoring: Monitoring;
}

/**
 * Device telemetry of DESIGN.md: devices publish `{ "type", "props" }` to `devices/<thing name>/activity` over MQTT
 * (AWS IoT Core, certificate attached to the thing, the device policy attached to the certificate); the topic rule adds
 * `eventId`, `userId` (`device:<thing name>`) and `time`, and puts the event on the activity stream, where
 * activity-processor stores it like an event of `POST /events`. A put that fails lands in the rule's error queue.
 */
export class DeviceIngestService extends Construct {
  public readonly ingest: IotIngest;

  constructor(scope: Construct, id: string, props: DeviceIngestServiceProps) {
    super(scope, id);
    this.ingest = new IotIngest(this, "Devices", { name: "devices", stream: props.stream });
    props.monitoring.monitorIotRule(this.ingest);
    props.monitoring.monitorQueue(this.ingest.errorQueue);
  }
}
