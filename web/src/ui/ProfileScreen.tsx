import { useCallback, useEffect, useState } from "preact/hooks";
import { ApiError } from "../api/client";
import { avatarFileName, describeFile, findAvatar, listFiles, uploadFile, waitUntilProcessed } from "../api/files";
import type { Profile, ProfileInput } from "../api/types";
import type { UploadProgress } from "../api/upload";
import { Heading } from "./Heading";
import { Progress } from "./Progress";
import { ScreenProps, messageOf } from "./context";

interface Form {
  displayName: string;
  locale: string;
  bio: string;
}

const toForm = (p: Profile): Form => ({ displayName: p.displayName, locale: p.locale ?? "", bio: p.bio ?? "" });

/** The body of PUT /profiles/me: empty optional fields are left out (a full replacement clears them). */
export function profileInput(form: Form): ProfileInput {
  return {
    displayName: form.displayName.trim(),
    ...(form.locale.trim() !== "" ? { locale: form.locale.trim() } : {}),
    ...(form.bio.trim() !== "" ? { bio: form.bio } : {}),
  };
}

/** My profile: view and edit with If-Match (a 412 offers a reload), and the avatar. */
export function ProfileScreen({ api, notify }: ScreenProps) {
  const [profile, setProfile] = useState<Profile>();
  const [etag, setEtag] = useState<string>();
  const [form, setForm] = useState<Form>({ displayName: "", locale: "", bio: "" });
  const [missing, setMissing] = useState(false);
  const [saving, setSaving] = useState(false);
  const [avatarUrl, setAvatarUrl] = useState<string>();
  const [progress, setProgress] = useState<UploadProgress>();

  const load = useCallback(async (): Promise<void> => {
    try {
      const res = await api.get<Profile>("/profiles/me");
      setProfile(res.body);
      setEtag(res.etag);
      setForm(toForm(res.body));
      setMissing(false);
    } catch (err) {
      if (err instanceof ApiError && err.status === 404) {
        setMissing(true);
        setEtag(undefined);
        return;
      }
      notify({ kind: "error", message: messageOf(err) });
    }
  }, [api, notify]);

  const loadAvatar = useCallback(async (): Promise<void> => {
    try {
      const avatar = findAvatar(await listFiles(api));
      if (avatar === undefined) {
        setAvatarUrl(undefined);
        return;
      }
      setAvatarUrl((await describeFile(api, avatar.fileId)).download?.url);
    } catch (err) {
      notify({ kind: "error", message: `The avatar could not be loaded: ${messageOf(err)}` });
    }
  }, [api, notify]);

  useEffect(() => {
    void load();
    void loadAvatar();
  }, [load, loadAvatar]);

  const reload = (): void => {
    notify(undefined);
    void load().then(() => notify({ kind: "success", message: "Reloaded the current version of your profile. Your unsaved changes were discarded." }));
  };

  const save = async (e: Event): Promise<void> => {
    e.preventDefault();
    setSaving(true);
    notify(undefined);
    try {
      // No profile yet: create it (If-Match absent). Otherwise only over the version this form was read from.
      const res = await api.put<Profile>("/profiles/me", profileInput(form), etag !== undefined ? { "if-match": etag } : undefined);
      setProfile(res.body);
      setEtag(res.etag);
      setForm(toForm(res.body));
      setMissing(false);
      notify({ kind: "success", message: `Profile saved (version ${res.body.version}).` });
    } catch (err) {
      if (err instanceof ApiError && err.status === 412) {
        notify({
          kind: "error",
          message: "Your profile was changed elsewhere since you opened it, so your changes were not saved. Reload to see the current version, then edit again.",
          action: { label: "Reload profile", run: reload },
        });
      } else notify({ kind: "error", message: messageOf(err) });
    } finally {
      setSaving(false);
    }
  };

  const changeAvatar = async (e: Event): Promise<void> => {
    const input = e.currentTarget as HTMLInputElement;
    const file = input.files?.[0];
    if (file === undefined) return;
    notify(undefined);
    setProgress({ loaded: 0, total: file.size });
    try {
      const fileId = await uploadFile(api, file, avatarFileName(file.name), setProgress);
      const detail = await waitUntilProcessed(api, fileId);
      setAvatarUrl(detail.download?.url);
      notify({ kind: "success", message: "Avatar updated." });
    } catch (err) {
      notify({ kind: "error", message: `The avatar could not be uploaded: ${messageOf(err)}` });
    } finally {
      setProgress(undefined);
      input.value = "";
    }
  };

  const set = (field: keyof Form) => (e: Event) => setForm({ ...form, [field]: (e.currentTarget as HTMLInputElement | HTMLTextAreaElement).value });

  return (
    <section aria-labelledby="main-heading">
      <Heading>My profile</Heading>
      <div class="profile">
        <figure class="avatar">
          {avatarUrl ? (
            <img src={avatarUrl} alt="Your avatar" width={96} height={96} />
          ) : (
            <div class="avatar-empty" aria-hidden="true">
              ?
            </div>
          )}
          <figcaption>{avatarUrl ? "Your avatar" : "No avatar yet"}</figcaption>
        </figure>
        <div>
          <label for="avatar-file">Change avatar (PNG, JPEG or WebP)</label>
          <input id="avatar-file" type="file" accept="image/png,image/jpeg,image/webp" onChange={changeAvatar} disabled={progress !== undefined} />
          <Progress id="avatar-progress" progress={progress} />
        </div>
      </div>
      {profile && (
        <dl class="facts">
          <dt>E-mail</dt>
          <dd>{profile.email}</dd>
          <dt>Version</dt>
          <dd data-testid="profile-version">{profile.version}</dd>
          <dt>Last updated</dt>
          <dd>{new Date(profile.updatedAt).toLocaleString()}</dd>
        </dl>
      )}
      {missing && <p>You have no profile yet. Fill in the form to create it.</p>}
      <h2>Edit</h2>
      <form onSubmit={save} class="stack">
        <label for="displayName">Display name</label>
        <input id="displayName" name="displayName" required maxLength={64} value={form.displayName} onInput={set("displayName")} />
        <label for="locale">Language (BCP 47 tag, e.g. en-GB; optional)</label>
        <input id="locale" name="locale" value={form.locale} onInput={set("locale")} />
        <label for="bio">About you (optional)</label>
        <textarea id="bio" name="bio" rows={4} maxLength={500} value={form.bio} onInput={set("bio")} />
        <div class="actions">
          <button type="submit" disabled={saving}>
            Save profile
          </button>
          <button type="button" class="secondary" onClick={reload}>
            Reload
          </button>
        </div>
      </form>
    </section>
  );
}
