/**
 * The profile API's response shapes, with no imports: the handlers build them and the web app (web/src/api/types.ts)
 * reads them, from this one definition.
 */

/** The JSON body of a profile response. Absent optional fields are `null`, so the shape never changes. */
export interface ProfileResponse {
  readonly userId: string;
  readonly email: string;
  readonly displayName: string;
  readonly locale: string | null;
  readonly bio: string | null;
  readonly version: number;
  readonly createdAt: string;
  readonly updatedAt: string;
}
