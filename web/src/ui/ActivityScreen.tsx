import { useCallback, useEffect, useState } from "preact/hooks";
import type { ActivitySummary, EventsAccepted } from "../api/types";
import { Heading } from "./Heading";
import { ScreenProps, messageOf } from "./context";

const EVENT_TYPES = ["page.view", "button.click", "profile.viewed", "file.shared"] as const;
const DAY_CHOICES = [7, 30, 90, 365] as const;

/** My activity: the summary of the analytics API, and a form that records an activity event (POST /events). */
export function ActivityScreen({ api, notify }: ScreenProps) {
  const [days, setDays] = useState<number>(30);
  const [summary, setSummary] = useState<ActivitySummary>();
  const [type, setType] = useState<string>(EVENT_TYPES[0]);
  const [sending, setSending] = useState(false);

  const load = useCallback(async (): Promise<ActivitySummary | undefined> => {
    try {
      const s = (await api.get<ActivitySummary>(`/analytics/me/summary?days=${days}`)).body;
      setSummary(s);
      return s;
    } catch (err) {
      notify({ kind: "error", message: `Your activity summary could not be loaded: ${messageOf(err)}` });
      return undefined;
    }
  }, [api, days, notify]);

  useEffect(() => {
    void load();
  }, [load]);

  const send = async (e: Event): Promise<void> => {
    e.preventDefault();
    setSending(true);
    notify(undefined);
    try {
      const before = summary?.total ?? 0;
      const res = (await api.post<EventsAccepted>("/events", { events: [{ type, time: new Date().toISOString(), props: { source: "web" } }] })).body;
      if (res.failed > 0) throw new Error(`${res.failed} event(s) were not accepted; send again.`);
      notify({ kind: "success", message: `Recorded a ${type} event. The summary updates once it is processed.` });
      // Processing is asynchronous (Kinesis → activity-processor → the analytics database): look again a few times.
      for (let i = 0; i < 15; i += 1) {
        await new Promise((r) => setTimeout(r, 1000));
        const s = await load();
        if (s === undefined || s.total > before) break;
      }
    } catch (err) {
      notify({ kind: "error", message: `The event could not be recorded: ${messageOf(err)}` });
    } finally {
      setSending(false);
    }
  };

  const entries = summary ? Object.entries(summary.counts).sort((a, b) => b[1] - a[1]) : [];
  return (
    <section aria-labelledby="main-heading">
      <Heading>My activity</Heading>
      <form class="inline" onSubmit={(e) => e.preventDefault()}>
        <label for="days">Period</label>
        <select id="days" value={String(days)} onChange={(e) => setDays(Number(e.currentTarget.value))}>
          {DAY_CHOICES.map((d) => (
            <option key={d} value={String(d)}>
              Last {d} days
            </option>
          ))}
        </select>
        <button type="button" class="secondary" onClick={() => void load()}>
          Refresh
        </button>
      </form>
      <h2>Summary</h2>
      {summary === undefined ? (
        <p>Loading…</p>
      ) : (
        <>
          <p data-testid="activity-total">
            {summary.total} event{summary.total === 1 ? "" : "s"} since {new Date(summary.since).toLocaleDateString()}.
          </p>
          {entries.length > 0 && (
            <table>
              <caption class="visually-hidden">Events by type</caption>
              <thead>
                <tr>
                  <th scope="col">Type</th>
                  <th scope="col">Events</th>
                </tr>
              </thead>
              <tbody>
                {entries.map(([t, n]) => (
                  <tr key={t}>
                    <td>{t}</td>
                    <td>{n}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </>
      )}
      <h2>Record an activity</h2>
      <form onSubmit={send} class="inline">
        <label for="event-type">Event type</label>
        <select id="event-type" value={type} onChange={(e) => setType(e.currentTarget.value)}>
          {EVENT_TYPES.map((t) => (
            <option key={t} value={t}>
              {t}
            </option>
          ))}
        </select>
        <button type="submit" disabled={sending}>
          Record event
        </button>
      </form>
    </section>
  );
}
