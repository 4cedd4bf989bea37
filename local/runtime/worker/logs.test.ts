import { defaultOutput } from "./pool";
import { Fixtures } from "./test-support";

const fixtures = new Fixtures();
afterAll(() => fixtures.cleanup());

describe("function output", () => {
  it("reaches output line by line with the function name, the stream and the request id of its invocation", async () => {
    const { pool, lines } = fixtures.handler(
      `exports.handler = async (event) => {
        console.log("hello", event.who);
        console.error("to stderr");
        process.stdout.write("no newline at the end");
        return "done";
      };`,
      { name: "platform-local-profile-api" },
    );
    await pool.invoke({ who: "ada" }, { requestId: "req-a" });
    await pool.invoke({ who: "bob" }, { requestId: "req-b" });
    const own = lines.filter((l) => !/^(START|END|REPORT) /.test(l.line));
    expect(own.filter((l) => l.meta.stream === "stdout")).toEqual([
      { line: "hello ada", meta: { functionName: "platform-local-profile-api", requestId: "req-a", stream: "stdout" } },
      { line: "no newline at the end", meta: { functionName: "platform-local-profile-api", requestId: "req-a", stream: "stdout" } },
      { line: "hello bob", meta: { functionName: "platform-local-profile-api", requestId: "req-b", stream: "stdout" } },
      { line: "no newline at the end", meta: { functionName: "platform-local-profile-api", requestId: "req-b", stream: "stdout" } },
    ]);
    expect(own.filter((l) => l.meta.stream === "stderr").map((l) => [l.line, l.meta.requestId])).toEqual([
      ["to stderr", "req-a"],
      ["to stderr", "req-b"],
    ]);
  });

  it("attributes all output printed just before the answer to that invocation, not to the next one", async () => {
    const { pool, lines } = fixtures.handler(`
      exports.handler = async (event) => {
        for (let i = 0; i < 3000; i++) console.log(event.tag + " line " + i + " " + "x".repeat(40));
        return event.tag;
      };`);
    await pool.invoke({ tag: "first" }, { requestId: "first" });
    await pool.invoke({ tag: "second" }, { requestId: "second" });
    const own = lines.filter((l) => l.line.includes(" line "));
    expect(own).toHaveLength(6000);
    for (const { line, meta } of own) expect(line.startsWith(`${meta.requestId} line `)).toBe(true);
  });

  it("frames each invocation with START, END and REPORT, with Init Duration on cold starts only", async () => {
    const { pool, lines } = fixtures.handler(`exports.handler = async () => { console.log("inside"); return 1; };`, { memorySize: 192 });
    await pool.invoke({}, { requestId: "cold" });
    await pool.invoke({}, { requestId: "warm" });
    const forRequest = (id: string) => lines.filter((l) => l.meta.requestId === id).map((l) => l.line);
    const cold = forRequest("cold");
    expect(cold.slice(0, 3)).toEqual(["START RequestId: cold Version: $LATEST", "inside", "END RequestId: cold"]);
    expect(cold[3]).toMatch(
      /^REPORT RequestId: cold\tDuration: \d+\.\d{2} ms\tBilled Duration: \d+ ms\tMemory Size: 192 MB\tMax Memory Used: \d+ MB\tInit Duration: \d+\.\d{2} ms$/,
    );
    const warm = forRequest("warm");
    expect(warm[3]).toMatch(/^REPORT RequestId: warm\tDuration: \d+\.\d{2} ms\tBilled Duration: \d+ ms\tMemory Size: 192 MB\tMax Memory Used: \d+ MB$/);
  });

  it("prints to process.stdout as '[<function name>] <requestId> <line>' by default", () => {
    const write = jest.spyOn(process.stdout, "write").mockImplementation(() => true);
    try {
      defaultOutput("hello", { functionName: "platform-local-profile-api", requestId: "req-1", stream: "stderr" });
      expect(write).toHaveBeenCalledWith("[platform-local-profile-api] req-1 hello\n");
    } finally {
      write.mockRestore();
    }
  });
});
