import { useCallback, useEffect, useState } from "preact/hooks";
import { describeFile, formatSize, listFiles, uploadFile, waitUntilProcessed } from "../api/files";
import type { FileView } from "../api/types";
import type { UploadProgress } from "../api/upload";
import { Heading } from "./Heading";
import { Progress } from "./Progress";
import { ScreenProps, messageOf } from "./context";

/** My files: upload through the presigned POST with progress, list, download, delete. */
export function FilesScreen({ api, notify }: ScreenProps) {
  const [files, setFiles] = useState<FileView[]>();
  const [progress, setProgress] = useState<UploadProgress>();
  const [chosen, setChosen] = useState<File>();

  const refresh = useCallback(async (): Promise<void> => {
    try {
      setFiles(await listFiles(api));
    } catch (err) {
      notify({ kind: "error", message: `Your files could not be listed: ${messageOf(err)}` });
    }
  }, [api, notify]);

  useEffect(() => {
    void refresh();
  }, [refresh]);

  const upload = async (e: Event): Promise<void> => {
    e.preventDefault();
    const form = e.currentTarget as HTMLFormElement;
    if (chosen === undefined) {
      notify({ kind: "error", message: "Choose a file to upload first." });
      return;
    }
    notify(undefined);
    setProgress({ loaded: 0, total: chosen.size });
    try {
      const fileId = await uploadFile(api, chosen, chosen.name, setProgress);
      await waitUntilProcessed(api, fileId);
      notify({ kind: "success", message: `Uploaded ${chosen.name}.` });
      form.reset();
      setChosen(undefined);
      await refresh();
    } catch (err) {
      notify({ kind: "error", message: `${chosen.name} could not be uploaded: ${messageOf(err)}` });
    } finally {
      setProgress(undefined);
    }
  };

  const download = async (file: FileView): Promise<void> => {
    try {
      const url = (await describeFile(api, file.fileId)).download?.url;
      if (url === undefined) throw new Error(`${file.fileName} is not ready for download yet.`);
      window.location.assign(url);
    } catch (err) {
      notify({ kind: "error", message: messageOf(err) });
    }
  };

  const remove = async (file: FileView): Promise<void> => {
    if (!window.confirm(`Delete ${file.fileName}? This cannot be undone.`)) return;
    try {
      await api.delete(`/files/${encodeURIComponent(file.fileId)}`);
      await refresh();
      notify({ kind: "success", message: `Deleted ${file.fileName}.` });
    } catch (err) {
      notify({ kind: "error", message: `${file.fileName} could not be deleted: ${messageOf(err)}` });
    }
  };

  return (
    <section aria-labelledby="main-heading">
      <Heading>My files</Heading>
      <h2>Upload a file</h2>
      <form onSubmit={upload} class="stack">
        <label for="upload-file">File (PNG, JPEG, WebP, PDF or plain text)</label>
        <input id="upload-file" type="file" onChange={(e) => setChosen(e.currentTarget.files?.[0])} disabled={progress !== undefined} />
        <button type="submit" disabled={progress !== undefined}>
          Upload
        </button>
        <Progress id="upload-progress" progress={progress} />
      </form>
      <h2>Your files</h2>
      <button type="button" class="secondary" onClick={() => void refresh()}>
        Refresh list
      </button>
      {files === undefined ? (
        <p>Loading…</p>
      ) : files.length === 0 ? (
        <p>You have no files yet.</p>
      ) : (
        <table>
          <caption class="visually-hidden">Your files, newest first</caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Type</th>
              <th scope="col">Size</th>
              <th scope="col">Uploaded</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {files.map((f) => (
              <tr key={f.fileId}>
                <td>{f.fileName}</td>
                <td>{f.contentType}</td>
                <td>{formatSize(f.size)}</td>
                <td>{new Date(f.createdAt ?? f.requestedAt).toLocaleString()}</td>
                <td class="actions">
                  <button type="button" class="secondary" aria-label={`Download ${f.fileName}`} onClick={() => void download(f)}>
                    Download
                  </button>
                  <button type="button" class="danger" aria-label={`Delete ${f.fileName}`} onClick={() => void remove(f)}>
                    Delete
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
