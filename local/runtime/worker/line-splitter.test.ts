import { LineSplitter } from "./line-splitter";

function splitter(): { s: LineSplitter; events: string[] } {
  const events: string[] = [];
  const s = new LineSplitter(
    (line) => events.push(`line:${line}`),
    () => events.push("marker"),
  );
  return { s, events };
}

describe("LineSplitter", () => {
  it("emits whole lines only, joining chunks and dropping \\r before \\n", () => {
    const { s, events } = splitter();
    s.write("one\r\ntw");
    s.write("o\n\nthree");
    expect(events).toEqual(["line:one", "line:two", "line:"]);
    s.end();
    expect(events).toEqual(["line:one", "line:two", "line:", "line:three"]);
  });

  it("reports a marker split across chunks, ending the partial line before it, and keeps what follows", () => {
    const { s, events } = splitter();
    s.expect("\u0000END-1\u0000");
    s.write("partial\u0000EN");
    expect(events).toEqual([]);
    s.write("D-1\u0000next line\n");
    expect(events).toEqual(["line:partial", "marker", "line:next line"]);
  });

  it("reports a marker only once and only after expect()", () => {
    const { s, events } = splitter();
    s.write("\u0000M\u0000\n");
    s.expect("\u0000M\u0000");
    s.write("\u0000M\u0000\u0000M\u0000\n");
    expect(events).toEqual(["line:\u0000M\u0000", "marker", "line:\u0000M\u0000"]);
  });

  it("decodes multi-byte UTF-8 characters split between chunks", () => {
    const { s, events } = splitter();
    const bytes = Buffer.from("héllo €\n", "utf8");
    s.write(bytes.subarray(0, 2));
    s.write(bytes.subarray(2, 8));
    s.write(bytes.subarray(8));
    expect(events).toEqual(["line:héllo €"]);
  });
});
