/** Named parameters → positional ones, and how each Field is bound (no database needed). */
import { bindParameter, prepareStatement, rewriteNamedParameters } from "./sql";

const positional = (sql: string, ...names: string[]) => rewriteNamedParameters(sql, new Set(names), (_, n) => `$${n}`);

describe("rewriteNamedParameters", () => {
  it("numbers names in order of first use and reuses the number of a repeated name", () => {
    expect(positional("SELECT :b, :a, :b", "a", "b")).toEqual({ text: "SELECT $1, $2, $1", order: ["b", "a"] });
  });

  it("leaves :: casts, names not supplied and a trailing colon alone", () => {
    expect(positional("SELECT :a::int, x::text, arr[1:n], :other, 'x':", "a").text).toBe("SELECT $1::int, x::text, arr[1:n], :other, 'x':");
  });

  it("skips string literals (with '' and E'\\'' escapes), quoted identifiers, dollar quotes and comments", () => {
    const sql = `SELECT ':a', 'it''s :a', E'\\':a', "x:a", $$:a$$, $fn$ :a $fn$, -- :a\n /* :a /* :a */ :a */ :a`;
    expect(positional(sql, "a")).toEqual({ text: sql.replace(/ :a$/, " $1"), order: ["a"] });
  });

  it("does not mistake positional $1 or identifiers with $ for dollar quotes", () => {
    expect(positional("SELECT a$b, :a FROM t WHERE c = $1", "a").text).toBe("SELECT a$b, $1 FROM t WHERE c = $1");
  });
});

describe("prepareStatement", () => {
  it("casts each placeholder to the type the Data API binds it as; NULL stays untyped", () => {
    const prepared = prepareStatement(
      "INSERT INTO t VALUES (:s, :l, :d, :b, :bin, :n, :ts, :dec, :u, :j, :day, :time)",
      [
        { name: "s", value: { stringValue: "x" } },
        { name: "l", value: { longValue: 5 } },
        { name: "d", value: { doubleValue: 0.5 } },
        { name: "b", value: { booleanValue: false } },
        { name: "bin", value: { blobValue: Buffer.from([1, 2]).toString("base64") } },
        { name: "n", value: { isNull: true } },
        { name: "ts", value: { stringValue: "2024-01-01 00:00:00.123" }, typeHint: "TIMESTAMP" },
        { name: "dec", value: { stringValue: "1.10" }, typeHint: "DECIMAL" },
        { name: "u", value: { stringValue: "0b9f6c4e-7f7a-4b55-9a43-3f5f0e2c1d11" }, typeHint: "UUID" },
        { name: "j", value: { stringValue: "{}" }, typeHint: "JSON" },
        { name: "day", value: { stringValue: "2024-01-01" }, typeHint: "DATE" },
        { name: "time", value: { stringValue: "23:59:59.999" }, typeHint: "TIME" },
      ],
      "parameters",
    );
    expect(prepared.text).toBe(
      "INSERT INTO t VALUES ($1::varchar, $2::bigint, $3::double precision, $4::boolean, $5::bytea, $6, $7::timestamp, $8::numeric, $9::uuid, $10::json, $11::date, $12::time)",
    );
    expect(prepared.values).toEqual([
      "x",
      "5",
      "0.5",
      "false",
      Buffer.from([1, 2]),
      null,
      "2024-01-01 00:00:00.123",
      "1.10",
      "0b9f6c4e-7f7a-4b55-9a43-3f5f0e2c1d11",
      "{}",
      "2024-01-01",
      "23:59:59.999",
    ]);
  });

  it("refuses what AWS refuses: array values, unknown type hints, a Field with no or two members, a missing name", () => {
    expect(() => bindParameter({ name: "a", value: { arrayValue: { longValues: [1] } } }, "p")).toThrow("Array parameters are not supported");
    expect(() => bindParameter({ name: "a", value: { stringValue: "x" }, typeHint: "INTERVAL" }, "parameters.1.member")).toThrow(
      "1 validation error detected: Value 'INTERVAL' at 'parameters.1.member.typeHint' failed to satisfy constraint: Member must satisfy enum value set: [JSON, TIME, TIMESTAMP, DATE, UUID, DECIMAL]",
    );
    expect(() => bindParameter({ name: "a", value: {} }, "p")).toThrow(/Exactly one value must be set/);
    expect(() => bindParameter({ name: "a", value: { stringValue: "x", longValue: 1 } }, "p")).toThrow(/Exactly one value must be set/);
    expect(() => prepareStatement("SELECT :a", [{ value: { longValue: 1 } }], "parameters")).toThrow("Value null at 'parameters.1.member.name'");
  });
});
