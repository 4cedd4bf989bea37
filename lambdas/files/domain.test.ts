import {
  FileItem,
  attachmentDisposition,
  decodeCursor,
  decodeEventKey,
  encodeCursor,
  isFileId,
  judgeUpload,
  newFileId,
  normaliseSequencer,
  objectKey,
  parseLimit,
  parseObjectKey,
  parseS3Message,
  safeFileName,
  validateUploadRequest,
} from "./domain";

const policy = { maxSizeBytes: 1000, contentTypes: ["image/png", "text/plain"] };

describe("validateUploadRequest", () => {
  it("accepts a declared upload within the policy, lower-casing the type and keeping the name as given", () => {
    expect(validateUploadRequest({ fileName: "Résumé 2024.TXT", contentType: "Text/Plain", size: 1000 }, policy)).toEqual({
      ok: true,
      value: { fileName: "Résumé 2024.TXT", contentType: "text/plain", size: 1000, safeName: "Résumé 2024.TXT" },
    });
  });

  it.each([
    [{ fileName: "a.png", contentType: "image/gif", size: 1 }, "UnsupportedContentType", /image\/gif.*Allowed: image\/png, text\/plain/],
    [{ fileName: "a.png", contentType: "image/png", size: 1001 }, "FileTooLarge", /1001 bytes is above the limit of 1000/],
    [{ fileName: "a.png", contentType: "image/png", size: 0 }, "InvalidFileSize", /≥ 1/],
    [{ fileName: "a.png", contentType: "image/png", size: 1.5 }, "InvalidFileSize", /whole number/],
    [{ fileName: "", contentType: "image/png", size: 1 }, "InvalidFileName", /no usable name/],
    [{ fileName: "a\u0000.png", contentType: "image/png", size: 1 }, "InvalidFileName", /control characters/],
    [{ fileName: "x".repeat(256), contentType: "image/png", size: 1 }, "InvalidFileName", /longer than 255/],
    [{ fileName: "a.png", contentType: "image/png" }, "ValidationFailed", /size/],
    [{ fileName: "a.png", contentType: "image/png", size: 1, owner: "someone" }, "ValidationFailed", /unknown field\(s\) owner/],
    ["a.png", "ValidationFailed", /Expected \{"fileName"/],
  ])("refuses %j with %s", (input, code, message) => {
    const result = validateUploadRequest(input, policy);
    expect(result).toMatchObject({ ok: false, error: { code } });
    if (!result.ok) expect(result.error.message).toMatch(message);
  });
});

describe("error messages quote the caller's input in part, never whole", () => {
  const huge = "k".repeat(100_000);
  it.each([
    ["unknown fields", { fileName: "a.png", contentType: "image/png", size: 1, [huge]: 1, [`${huge}2`]: 2, a: 1, b: 2, c: 3, d: 4 }, "ValidationFailed"],
    ["a content type", { fileName: "a.png", contentType: huge, size: 1 }, "UnsupportedContentType"],
    ["a file name with control characters", { fileName: `${huge}\u0001`, contentType: "image/png", size: 1 }, "InvalidFileName"],
  ])("%s: the message stays short", (_name, input, code) => {
    const result = validateUploadRequest(input, policy);
    expect(result).toMatchObject({ ok: false, error: { code } });
    if (!result.ok) {
      expect(result.error.message.length).toBeLessThan(1000);
      expect(result.error.message).toContain("…");
    }
  });

  it("limit: a huge value is cut", () => {
    const result = parseLimit("9".repeat(100_000));
    expect(result).toMatchObject({ ok: false, error: { code: "InvalidLimit" } });
    if (!result.ok) expect(result.error.message.length).toBeLessThan(1000);
  });
});

describe("safeFileName", () => {
  it("refuses a name with an unpaired UTF-16 surrogate (no UTF-8 exists for it); a paired one (emoji) is accepted", () => {
    for (const name of ["a\uD800.png", "\uDFFF.txt", "x\uDE00\uD83D.txt"]) {
      expect(safeFileName(name)).toMatchObject({ ok: false, error: { code: "InvalidFileName", message: expect.stringContaining("unpaired UTF-16 surrogate") } });
    }
    expect(safeFileName("🔑.png")).toEqual({ ok: true, value: "_.png" });
  });

  it("keeps the last path segment, letters of any script, digits, spaces and . _ - ( )", () => {
    expect(safeFileName("C:\\Users\\ada\\Pictures\\holiday (1).png")).toEqual({ ok: true, value: "holiday (1).png" });
    expect(safeFileName("../../etc/passwd")).toEqual({ ok: true, value: "passwd" });
    expect(safeFileName("日本語 ファイル.pdf")).toEqual({ ok: true, value: "日本語 ファイル.pdf" });
    expect(safeFileName("a+b&c?d#e%f.txt")).toEqual({ ok: true, value: "a_b_c_d_e_f.txt" });
  });

  it("normalises to NFC so one name has one key", () => {
    const decomposed = "e\u0301.txt";
    expect(safeFileName(decomposed)).toEqual({ ok: true, value: "\u00e9.txt" });
  });

  it("refuses names that leave nothing usable", () => {
    for (const name of ["..", "dir/", "  ", "/"]) expect(safeFileName(name)).toMatchObject({ ok: false, error: { code: "InvalidFileName" } });
  });
});

describe("file ids and keys", () => {
  it("file ids are ULIDs that sort by creation time", () => {
    const a = newFileId(1_700_000_000_000);
    const b = newFileId(1_700_000_000_001);
    expect(isFileId(a) && isFileId(b)).toBe(true);
    expect(a < b).toBe(true);
    expect(newFileId(0, Buffer.alloc(10))).toBe("0".repeat(26));
  });

  it("parses exactly uploads/<owner>/<fileId>/<name>", () => {
    const id = newFileId();
    expect(parseObjectKey(objectKey("user-1", id, "a b.png"))).toEqual({ ownerId: "user-1", fileId: id, name: "a b.png" });
    for (const key of [
      "uploads/a.png",
      `uploads/user-1/${id}/`,
      `uploads/user-1/not-an-id/a.png`,
      `uploads/user-1/${id}/x/a.png`,
      `other/user-1/${id}/a.png`,
      `uploads//${id}/a.png`,
    ]) {
      expect(parseObjectKey(key)).toBeUndefined();
    }
  });

  it("decodes event keys as S3 encodes them (+ for space, UTF-8 escapes) and as moto does (/ as %2F)", () => {
    expect(decodeEventKey("uploads/u1/ID/my+file+%C3%A9.txt")).toBe("uploads/u1/ID/my file é.txt");
    expect(decodeEventKey("uploads%2Fu1%2FID%2Fmy+file+%C3%A9.txt")).toBe("uploads/u1/ID/my file é.txt");
    expect(decodeEventKey("a%2Bb.txt")).toBe("a+b.txt");
  });

  it("Content-Disposition of a stored name with an unpaired surrogate replaces it with U+FFFD instead of throwing", () => {
    expect(attachmentDisposition("a\uD800b.txt")).toBe(`attachment; filename="a_b.txt"; filename*=UTF-8''a%EF%BF%BDb.txt`);
  });

  it("Content-Disposition carries an ASCII fallback and the exact UTF-8 name", () => {
    expect(attachmentDisposition('naïve "plan".pdf')).toBe(`attachment; filename="na_ve _plan_.pdf"; filename*=UTF-8''na%C3%AFve%20%22plan%22.pdf`);
  });
});

describe("sequencers", () => {
  it("orders sequencers of different lengths as AWS documents: right-pad the shorter with zeros", () => {
    const earlier = normaliseSequencer("0055AED6DCD90281E5")!;
    const later = normaliseSequencer("0055AED6DCD90281E6")!;
    const longerLater = normaliseSequencer("0055AED6DCD90281E501")!;
    expect(earlier < later).toBe(true);
    expect(earlier < longerLater).toBe(true);
    expect(longerLater < later).toBe(true);
    expect(normaliseSequencer("0055aed6dcd90281e5")).toBe(earlier);
  });

  it("has none for events without one (moto) or a malformed one", () => {
    expect(normaliseSequencer(undefined)).toBeUndefined();
    expect(normaliseSequencer("")).toBeUndefined();
    expect(normaliseSequencer("xyz")).toBeUndefined();
  });
});

describe("parseS3Message", () => {
  const record = (eventName: string, key: string, extra: Record<string, unknown> = {}) => ({
    eventVersion: "2.1",
    eventSource: "aws:s3",
    eventTime: "2024-05-01T12:00:00.000Z",
    eventName,
    s3: { bucket: { name: "b" }, object: { key, size: 3, eTag: "e", ...extra } },
  });

  it("recognises S3's test event", () => {
    expect(parseS3Message(JSON.stringify({ Service: "Amazon S3", Event: "s3:TestEvent", Time: "x", Bucket: "b" }))).toEqual({ ok: true, value: { kind: "test" } });
  });

  it("reads created and removed records with their decoded key, version and normalised sequencer", () => {
    const body = JSON.stringify({
      Records: [
        record("ObjectCreated:Post", "uploads/u/ID/a+b.txt", { versionId: "v1", sequencer: "0A" }),
        record("ObjectRemoved:DeleteMarkerCreated", "uploads%2Fu%2FID%2Fa+b.txt", { versionId: null }),
      ],
    });
    const parsed = parseS3Message(body);
    expect(parsed.ok).toBe(true);
    if (!parsed.ok || parsed.value.kind !== "events") throw new Error("expected events");
    expect(parsed.value.events).toEqual([
      {
        kind: "created",
        eventName: "ObjectCreated:Post",
        eventTime: "2024-05-01T12:00:00.000Z",
        bucket: "b",
        key: "uploads/u/ID/a b.txt",
        versionId: "v1",
        sequencer: normaliseSequencer("0A"),
      },
      { kind: "removed", eventName: "ObjectRemoved:DeleteMarkerCreated", eventTime: "2024-05-01T12:00:00.000Z", bucket: "b", key: "uploads/u/ID/a b.txt" },
    ]);
  });

  it("refuses what it cannot apply, with the reason", () => {
    expect(parseS3Message("not json")).toEqual({ ok: false, error: "the body is not JSON" });
    expect(parseS3Message(JSON.stringify({ hello: 1 }))).toMatchObject({ ok: false, error: expect.stringMatching(/not an S3 event message/) });
    expect(parseS3Message(JSON.stringify({ Records: [record("ObjectRestore:Completed", "k")] }))).toMatchObject({
      ok: false,
      error: expect.stringMatching(/unexpected event ObjectRestore/),
    });
    expect(parseS3Message(JSON.stringify({ Records: [record("ObjectCreated:Put", "bad%E0%A4%A")] }))).toMatchObject({
      ok: false,
      error: expect.stringMatching(/not valid URL encoding/),
    });
  });
});

describe("judgeUpload", () => {
  const id = newFileId();
  const parts = { ownerId: "u1", fileId: id, name: "a.png" };
  const item: FileItem = {
    ownerId: "u1",
    fileId: id,
    status: "pending",
    fileName: "a.png",
    key: objectKey("u1", id, "a.png"),
    contentType: "image/png",
    size: 10,
    requestedAt: "t",
  };
  const head = { size: 10, contentType: "image/png", etag: "e", lastModified: "t", owner: "u1" };

  it("accepts the object that was signed", () => {
    expect(judgeUpload(parts, item, head)).toEqual({ accept: true });
    expect(judgeUpload(parts, item, { ...head, contentType: "IMAGE/PNG" })).toEqual({ accept: true });
  });

  it.each([
    ["OwnerMismatch", parts, item, { ...head, owner: "u2" }],
    ["OwnerMismatch", parts, item, { ...head, owner: undefined }],
    ["UnknownUpload", parts, undefined, head],
    ["UnknownUpload", { ...parts, name: "b.png" }, item, head],
    ["UnknownUpload", parts, { ...item, status: "deleted" as const }, head],
    ["SizeMismatch", parts, item, { ...head, size: 11 }],
    ["ContentTypeMismatch", parts, item, { ...head, contentType: "text/html" }],
  ])("rejects with %s", (reason, p, i, h) => {
    expect(judgeUpload(p, i, h)).toMatchObject({ accept: false, reason });
  });
});

describe("listing parameters", () => {
  it("limit defaults to 20 and must be 1–100", () => {
    expect(parseLimit(undefined)).toEqual({ ok: true, value: 20 });
    expect(parseLimit("100")).toEqual({ ok: true, value: 100 });
    for (const bad of ["0", "101", "-1", "2.5", "ten", ""]) expect(parseLimit(bad)).toMatchObject({ ok: false, error: { code: "InvalidLimit" } });
  });

  it("cursors round-trip and anything else is refused", () => {
    const id = newFileId();
    expect(decodeCursor(encodeCursor(id))).toEqual({ ok: true, value: id });
    expect(decodeCursor(undefined)).toEqual({ ok: true, value: undefined });
    for (const bad of ["x", Buffer.from('{"after":"../../x"}').toString("base64url"), Buffer.from("[]").toString("base64url")]) {
      expect(decodeCursor(bad)).toMatchObject({ ok: false, error: { code: "InvalidCursor" } });
    }
  });
});
