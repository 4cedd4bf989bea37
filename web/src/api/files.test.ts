import { avatarFileName, findAvatar, formatSize } from "./files";
import type { FileView } from "./types";
import { s3ErrorMessage, uploadForm } from "./upload";

const file = (over: Partial<FileView>): FileView => ({
  fileId: "01",
  fileName: "x.png",
  contentType: "image/png",
  size: 1,
  status: "ready",
  requestedAt: "2026-01-01T00:00:00Z",
  ...over,
});

describe("files helpers", () => {
  it("the avatar is the newest ready image named avatar.*", () => {
    const files = [file({ fileId: "3", fileName: "avatar.png", status: "pending" }), file({ fileId: "2", fileName: "avatar.webp" }), file({ fileId: "1", fileName: "avatar.jpg" })];
    expect(findAvatar(files)?.fileId).toBe("2");
    expect(findAvatar([file({ fileName: "avatar.pdf", contentType: "application/pdf" }), file({ fileName: "holiday.png" })])).toBeUndefined();
  });

  it("names an avatar upload after the chosen file's extension", () => {
    expect(avatarFileName("Me at the beach.JPEG")).toBe("avatar.jpeg");
    expect(avatarFileName("noext")).toBe("avatar.img");
  });

  it("puts every signed field before the file, which comes last under its field name", () => {
    const form = uploadForm({ method: "POST", url: "u", fields: { key: "k", Policy: "p", "X-Amz-Signature": "s" }, fileField: "file", expiresAt: "" }, new Blob(["hi"]), "a.txt");
    expect([...form.keys()]).toEqual(["key", "Policy", "X-Amz-Signature", "file"]);
  });

  it("shows S3's XML error message", () => {
    const e = s3ErrorMessage(403, "<Error><Code>AccessDenied</Code><Message>Policy expired</Message></Error>");
    expect(e).toMatchObject({ status: 403, code: "AccessDenied", message: "The upload was refused by storage: Policy expired (HTTP 403)." });
  });

  it("formats sizes", () => {
    expect([formatSize(12), formatSize(2048), formatSize(3 * 1024 * 1024)]).toEqual(["12 B", "2.0 KB", "3.0 MB"]);
  });
});
