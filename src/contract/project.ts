import { z } from 'zod';

/** https only: these links and the logo are shown to end users on pages we serve. */
const httpsUrl = z
  .string()
  .trim()
  .max(2048)
  .refine((u) => {
    try {
      return new URL(u).protocol === 'https:';
    } catch {
      return false;
    }
  }, 'must be an absolute https URL');

/** `#rrggbb`: one form, so the contrast check and the CSS agree on what the colour is. */
export const hexColor = z
  .string()
  .trim()
  .regex(/^#[0-9a-fA-F]{6}$/, 'must be a colour written #rrggbb')
  .transform((c) => c.toLowerCase());

/** `PATCH /project`: any subset; `null` clears a branding field. */
export const patchProjectSchema = z.strictObject({
  name: z.string().trim().min(1).max(255).optional(),
  branding: z
    .strictObject({
      display_name: z.string().trim().min(1).max(100).nullish(),
      logo_url: httpsUrl.nullish(),
      accent_color: hexColor.nullish(),
      support_email: z.email().max(254).nullish(),
      privacy_url: httpsUrl.nullish(),
      terms_url: httpsUrl.nullish(),
      consent_text: z.string().trim().min(1).max(500).nullish(),
      show_powered_by: z.boolean().optional(),
    })
    .optional(),
});
export type PatchProjectInput = z.infer<typeof patchProjectSchema>;

/** The branding as it is shown: `logo_url` is the copy we serve, not the URL it came from. */
export const branding = z
  .strictObject({
    display_name: z.string().nullable(),
    logo_url: z.string().nullable(),
    accent_color: z.string().nullable(),
    support_email: z.string().nullable(),
    privacy_url: z.string().nullable(),
    terms_url: z.string().nullable(),
    consent_text: z.string().nullable(),
    show_powered_by: z.boolean(),
  })
  .meta({ id: 'Branding' });
export type Branding = z.infer<typeof branding>;

/** `GET /project`. */
export const project = z.strictObject({ id: z.string(), name: z.string(), branding }).meta({ id: 'Project' });
export type Project = z.infer<typeof project>;
