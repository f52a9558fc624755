/** Branding: what end users see in the Hub in place of "Switchboard" (GET/PATCH /project). */
import { h, put } from '../dom.js';
import { ApiError, call, get } from '../api.js';
import type { Project } from '../../../contract/project.js';
import type { View } from '../view.js';
import {
  alertBox,
  button,
  card,
  errorBlock,
  loadingBlock,
  message,
  pageHeader,
  toast,
  withProgress,
} from '../ui.js';
import { checkbox, field, textInput, type FieldHandle } from '../forms.js';

type TextKey =
  | 'display_name'
  | 'accent_color'
  | 'support_email'
  | 'privacy_url'
  | 'terms_url'
  | 'consent_text';

export async function brandingPage(v: View): Promise<void> {
  v.main.replaceChildren();
  put(v.main, pageHeader('Branding'), loadingBlock('Loading branding…'));
  let p: Project;
  try {
    p = await get<Project>('/project', v.signal);
  } catch (err) {
    if (v.signal.aborted) return;
    v.main.replaceChildren();
    put(
      v.main,
      pageHeader('Branding'),
      errorBlock(err, () => void brandingPage(v)),
    );
    return;
  }
  v.main.replaceChildren();
  put(
    v.main,
    pageHeader(
      'Branding',
      'What your customers see when they connect an account: your name, logo, colour, contact and links instead of Switchboard’s.',
    ),
    brandingForm(p),
  );
}

function brandingForm(p: Project): HTMLElement {
  const b = p.branding;
  const text = (key: TextKey, label: string, attrs: Record<string, string>, hint: string): FieldHandle =>
    field(label, textInput({ value: b[key] ?? '', 'data-testid': `branding-${key}`, ...attrs }), {
      hint,
      optional: true,
    });
  const fields: Record<TextKey, FieldHandle> = {
    display_name: text(
      'display_name',
      'Company name',
      { maxlength: '100' },
      `Shown as “${b.display_name ?? p.name} asks to connect your HiBob account”. Empty: the project name.`,
    ),
    accent_color: text(
      'accent_color',
      'Accent colour',
      { placeholder: '#2563eb', maxlength: '7', class: 'mono' },
      'Buttons and highlights, written #rrggbb. It must be readable on light and dark backgrounds (WCAG AA).',
    ),
    support_email: text(
      'support_email',
      'Support email',
      { type: 'email', maxlength: '254' },
      'Named in error messages as whom to ask for help.',
    ),
    privacy_url: text(
      'privacy_url',
      'Privacy policy URL',
      { type: 'url', placeholder: 'https://' },
      'Linked at the foot of the Hub (https).',
    ),
    terms_url: text(
      'terms_url',
      'Terms URL',
      { type: 'url', placeholder: 'https://' },
      'Linked at the foot of the Hub (https).',
    ),
    consent_text: field(
      'Consent line',
      h(
        'textarea',
        { rows: 3, maxlength: 500, 'data-testid': 'branding-consent_text' },
        b.consent_text ?? '',
      ),
      { hint: 'One or two sentences shown before the end user connects.', optional: true },
    ),
  };
  const logoField = field(
    'Logo URL',
    textInput({ type: 'url', placeholder: 'https://', 'data-testid': 'branding-logo_url' }),
    {
      hint: 'A PNG, WebP or JPEG up to 256 KB (SVG is not accepted). It is copied once and served by this server; leave empty to keep the current logo.',
      optional: true,
    },
  );
  const removeLogo = checkbox('Remove the logo', false, { 'data-testid': 'branding-remove-logo' });
  const current = b.logo_url
    ? h(
        'div',
        { class: 'stack' },
        h('img', {
          src: new URL(b.logo_url).pathname,
          alt: 'Current logo',
          height: 48,
          'data-testid': 'branding-logo',
        }),
        removeLogo.row,
      )
    : h('p', { class: 'muted small' }, 'No logo yet.');
  const poweredBy = checkbox('Show “Powered by Switchboard”', b.show_powered_by, {
    'data-testid': 'branding-powered-by',
  });
  const problem = h('div', { 'aria-live': 'polite' });
  const submit = button('Save branding', { type: 'submit', variant: 'primary', testid: 'branding-save' });
  const form = h(
    'form',
    { class: 'stack-lg', novalidate: true, 'data-testid': 'branding-form' },
    card('Who is asking', h('div', { class: 'form' }, fields.display_name.row, logoField.row, current)),
    card('Look', h('div', { class: 'form' }, fields.accent_color.row, poweredBy.row)),
    card(
      'Help and links',
      fields.support_email.row,
      fields.privacy_url.row,
      fields.terms_url.row,
      fields.consent_text.row,
    ),
    problem,
    h('div', { class: 'form-actions' }, submit),
  );
  const all = { ...fields, logo_url: logoField };
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    problem.replaceChildren();
    for (const f of Object.values(all)) f.setError(null);
    const branding: Record<string, string | boolean | null> = { show_powered_by: poweredBy.input.checked };
    for (const [key, f] of Object.entries(fields)) {
      const value = f.control.value.trim();
      if (value !== (b[key as TextKey] ?? '')) branding[key] = value || null;
    }
    const logo = logoField.control.value.trim();
    if (logo) branding.logo_url = logo;
    else if (removeLogo.input.checked) branding.logo_url = null;
    void withProgress(submit, 'Saving…', async () => {
      try {
        const saved = await call<Project>('PATCH', '/project', { branding });
        toast('Branding saved');
        form.replaceWith(brandingForm(saved));
      } catch (err) {
        const key = err instanceof ApiError ? err.field?.replace(/^branding\./, '') : undefined;
        const target = key ? all[key as keyof typeof all] : undefined;
        if (target) {
          target.setError(
            err instanceof Error ? err.message.replace(/^branding\.[a-z_]+:? /, '') : message(err),
          );
          target.control.focus();
        }
        problem.replaceChildren(alertBox('error', 'The branding was not saved', message(err)));
      }
    });
  });
  return form;
}
