/**
 * The Hub's words in English: the keys every other catalogue has, and the fallback. Bundled with
 * the pages; the other languages are separate files loaded when asked for (see i18n.ts).
 * `{name}`-style placeholders are filled in by `t()`; keys ending in `.one`/`.other` are plural
 * forms chosen by `Intl.PluralRules`.
 */
const messages = {
  loading: 'Loading…',
  'loading.app': 'Loading {name}…',
  details: 'Details',

  'whom.default': 'the company that sent you this link',
  'whom.companyEmail': '{company} at {email}',
  'whom.email': 'the company that sent you this link ({email})',

  'brand.asksAccount': '{company} asks to connect your {provider} account.',
  'brand.asksAccountFor': '{company} asks to connect your {provider} account for {owner}.',
  'brand.asksAny': '{company} asks to connect an account.',
  'brand.asksAnyFor': '{company} asks to connect an account for {owner}.',
  'brand.privacy': 'Privacy policy',
  'brand.terms': 'Terms',
  'brand.poweredBy': 'Powered by Switchboard',

  'list.title': 'Connect an account',
  'list.lead': 'Choose the app you want to connect.',
  'list.search': 'Search',
  'list.searchLabel': 'Search integrations',
  'list.listLabel': 'Integrations',
  'list.filterLabel': 'Filter by category',
  'list.all': 'All',
  'list.none': 'No integrations are available for this link.',
  'list.noMatch': 'No integrations match “{query}”.',
  'list.count.one': '{count} integration',
  'list.count.other': '{count} integrations',
  'list.unnamed': 'N/A',

  'form.connect': 'Connect',
  'form.reconnect': 'Reconnect',
  'form.save': 'Save changes',
  'form.connecting': 'Connecting…',
  'form.redirecting': 'Redirecting…',
  'form.legend': '{name} connection details',
  'form.pressConnect': 'Press Connect to sign in. A window will open where you can authorize {name}.',
  'form.secureOauth': 'You will sign in on the provider’s own page.',
  'form.secureKey': 'Your credentials are encrypted and sent securely.',
  'form.introEdit': 'Update your {name} connection.',
  'form.introOauth': 'Sign in to {name} to connect your account.',
  'form.introKey': 'Enter your {name} details to connect your account.',
  'form.back': 'Back to integrations',
  'form.guide': 'Connection guide',
  'form.newTab': ' (opens in a new tab)',

  'field.required': '{label} is required',
  'field.number': 'Must be a valid number',
  'field.domain': 'Please enter a valid {pattern}.com domain',
  'field.pattern': 'Please match the required format: {pattern}',
  'field.select': 'Select…',
  'field.edit': 'Edit',
  'field.editLabel': 'Edit {label}',
  'field.show': 'Show',
  'field.hide': 'Hide',
  'field.showLabel': 'Show {label}',
  'field.optional': ' (optional)',

  'guide.title': 'Before you connect',
  'guide.copy': 'Copy',
  'guide.copied': 'Copied',
  'guide.copyFailed': 'Select the address and copy it',
  'guide.redirectUri': 'Redirect URI',
  'guide.registerExactly': 'Register exactly this address in your app:',

  'start.failed': 'We could not start the sign-in. Please try again.',
  'start.blockedRedirect': 'Your browser blocked the sign-in window. Continuing to {name} in this tab…',
  'start.blocked':
    'Your browser blocked the sign-in window. Allow pop-ups for this site, then press Connect again.',

  'wait.cancel': 'Cancel',
  'wait.showWindow': 'Show the sign-in window',
  'wait.finishInWindow': 'Finish signing in to {name} in the window that opened.',
  'wait.checking': 'Checking your {name} sign-in…',
  'wait.title': 'Waiting for {name}',
  'wait.heading': 'Waiting for {name}…',
  'wait.expired': 'The sign-in took too long and expired. Press Connect to try again.',
  'wait.closed':
    'The sign-in window was closed before you finished signing in to {name}. Press Connect to try again.',
  'wait.timedOut': 'The sign-in timed out. Press Connect to try again.',
  'wait.otherWindow': 'Finish signing in to {name} in the other window. If you closed it, press Cancel.',
  'wait.failedTitle': 'Could not connect {name}',

  'success.title': 'Account connected',
  'success.text': 'Your {name} account is connected.',
  'success.textClose': 'Your {name} account is connected. You can close this window.',
  'success.another': 'Connect another',
  'success.close': 'Close',
  'success.announce': 'Account connected: {name}',

  'events.title': 'One more step: turn on updates from {name}',
  'events.why':
    'So that changes in {name} are sent on as they happen, add a webhook in {name} with the address and sign key below.',
  'events.url': 'Webhook address',
  'events.secret': 'Sign key',
  'events.secretHint': 'Keep it private: it proves that updates really come from {name}.',
  'events.urlBelow': 'the webhook address below',
  'events.secretBelow': 'the sign key below',

  'error.title': 'Something went wrong',
  'error.chooseAnother': 'Choose another app',
  'error.tryAgain': 'Try again',
  'error.thisApp': 'this app',

  'ended.expiredTitle': 'Link expired',
  'ended.expiredFor': 'This link for {owner} has expired.',
  'ended.expired': 'This link has expired.',
  'ended.expiredOn': 'It stopped working on {date}.',
  'ended.expiredNext': 'Links only work for a limited time. Ask {whom} for a new one.',
  'ended.invalidTitle': 'Link not valid',
  'ended.invalid': 'This link is not valid.',
  'ended.invalidNext':
    'Check that you opened the whole link. If it still does not work, ask {whom} for a new one.',
  'ended.unknown': 'This link has expired or is not valid.',
  'ended.unknownNext': 'Ask {whom} for a new link.',

  'problem.generic': 'Something went wrong. Please try again. If it keeps happening, contact {whom}.',
  'problem.offline': 'We could not reach the server. Check your internet connection and try again.',
  'problem.tooMany': 'Too many tries in a short time. Wait a minute, then try again.',
  'problem.server':
    'Something went wrong on our side. Your details were not saved. Please try again in a few minutes.',
  'problem.unreachable':
    'We could not reach {name}. Your details were not saved. Please try again in a few minutes.',
  'problem.providerDown':
    '{name} is having problems right now. Your details were not saved. Please try again in a few minutes.',
  'problem.refused': '{name} did not accept these details. Check them and try again.',
  'problem.fieldInvalid': '{label} is not valid. Check it and try again.',
  'problem.invalidFields': 'Some of the details you entered are not valid. Check them and try again.',
  'problem.gone':
    '{name} is no longer available for this link. Choose another app, or ask {whom} for a new link.',
  'problem.conflict': 'This connection changed while you were working. Please try again.',
  'problem.setup': "This connection isn't set up correctly. Please contact {whom}.",

  'oauth.denied': "You didn't allow access to {name}. Try again when you're ready.",
  'oauth.cancelled': 'This sign-in was cancelled. Press Connect to start again.',
  'oauth.expired': 'This sign-in took too long and expired. Please try again.',
  'oauth.busy': '{name} is busy right now. Please try again in a few minutes.',
  'oauth.testFailed':
    '{name} did not accept this sign-in. Check that your account has access, then try again.',
  'oauth.providerError':
    '{name} had a problem finishing the sign-in. Please try again in a few minutes. If it keeps happening, contact {whom}.',
  'oauth.notFinished': 'The sign-in with {name} did not finish. Please try again.',
  'oauth.failed':
    'We could not connect your {name} account. Please try again. If it keeps happening, contact {whom}.',

  'callback.failed': 'Could not connect your account',
  'callback.failedTitle': 'Connection failed',
  'callback.canClose': 'You can close this window.',
  'callback.goBack': 'You can close this window and go back to where you started.',
  'callback.theApp': 'the app',
  'choose.title': 'Which {name} account do you want to connect?',
  'choose.lead': 'Your sign-in gives access to more than one. Choose the one to connect.',
  'choose.connect': 'Connect',
  'choose.cancel': 'Cancel',
  'choose.working': 'Connecting…',
  'choose.pick': 'Choose an account first.',
  'choose.gone':
    'This choice is no longer open: it took too long or was already made. Close this window and press Connect again.',
  'choose.unsent': 'Your choice could not be sent. Check your internet connection and try again.',

  'category.ats': 'ATS',
  'category.hris': 'HRIS',
  'category.hris-legacy': 'HRIS (legacy)',
  'category.crm': 'CRM',
  'category.iam': 'IAM',
  'category.marketing': 'Marketing',
  'category.lms': 'LMS',
  'category.stackone': 'StackOne',
  'category.documents': 'Documents',
  'category.ticketing': 'Ticketing',
  'category.screening': 'Screening',
  'category.messaging': 'Messaging',
  'category.accounting': 'Accounting',
};

export type MessageKey = keyof typeof messages;
export type Messages = Record<MessageKey, string>;

/** One language's words: its BCP 47 tag, its writing direction and every message. */
export interface Catalogue {
  lang: string;
  dir: 'ltr' | 'rtl';
  messages: Messages;
}

const en: Catalogue = { lang: 'en', dir: 'ltr', messages };
export default en;
